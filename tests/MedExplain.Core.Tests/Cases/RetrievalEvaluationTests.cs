using MedExplain.Cases;

namespace MedExplain.Core.Tests.Cases;

/// <summary>The retrieval measures on cases whose neighbours are known by construction.</summary>
public sealed class RetrievalEvaluationTests
{
    // Four cases on two directions: a and a' near the x axis, b and b' near the y axis; c between, labelled like b.
    private static readonly float[][] Cases = [[1, 0.1f], [1, 0.2f], [0.1f, 1], [0.2f, 1], [1, 0.9f]];

    [Fact]
    public void SameClassRates_CountTheNearestLabels_LeavingTheQueryOut()
    {
        string?[] labels = ["a", "a", "b", "b", "b"];

        (double at1, double at2) = RetrievalEvaluation.SameClassRates(Cases, labels, 2);

        // By angle (5.7°, 11.3°, 84.3°, 78.7°, 42°): nearest 0 → 1 ✓, 1 → 0 ✓, 2 → 3 ✓, 3 → 2 ✓, 4 → 1 ✗;
        // second nearest 0 → 4 ✗, 1 → 4 ✗, 2 → 4 ✓, 3 → 4 ✓, 4 → 0 ✗ (36.3° against 36.7° to case 3).
        Assert.Equal(4 / 5.0, at1, 12);
        Assert.Equal((0.5 + 0.5 + 1 + 1 + 0) / 5, at2, 12);
    }

    [Fact]
    public void ConfoundedRate_AndShift_MeasureWhatTheConfounderDoes()
    {
        bool[] confounded = [true, true, false, false, false];

        Assert.Equal(1.0, RetrievalEvaluation.ConfoundedRate([[1, 0]], Cases, confounded, 2), 12);
        Assert.Equal(0.5, RetrievalEvaluation.ConfoundedRate([[1, 0.1f]], Cases, confounded, 2, (_, i) => i == 0), 12);
        Assert.Equal(0, RetrievalEvaluation.ConfounderShift(Cases, [.. Cases.Select(c => c.Select(v => v * 3).ToArray())]), 6);
        Assert.Equal(1, RetrievalEvaluation.ConfounderShift([[1, 0]], [[0, 1]]), 12);
    }

    [Fact]
    public void RankAgreement_IsOneForTheSameRanking_AndLowForAnUnrelatedOne()
    {
        var rng = new Random(3);
        float[][] random = [.. Enumerable.Range(0, 40).Select(_ => new[] { (float)rng.NextDouble(), (float)rng.NextDouble(), (float)rng.NextDouble() })];
        float[][] scaled = [.. random.Select(c => c.Select(v => v * 2).ToArray())];
        float[][] unrelated = [.. Enumerable.Range(0, 40).Select(_ => new[] { (float)rng.NextDouble(), (float)rng.NextDouble(), (float)rng.NextDouble() })];

        Assert.Equal(1, RetrievalEvaluation.RankAgreement(random, scaled), 6);
        Assert.InRange(RetrievalEvaluation.RankAgreement(random, unrelated), -0.2, 0.2);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void AnImpossibleK_IsRefused(int k)
    {
        Assert.Equal("k", Assert.Throws<MedExplainParameterException>(() => RetrievalEvaluation.SameClassRates(Cases, ["a", "a", "b", "b", "b"], k)).Parameter);
    }
}
