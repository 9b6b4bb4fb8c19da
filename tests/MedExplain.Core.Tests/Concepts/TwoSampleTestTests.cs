using System.Text.Json;
using MedExplain.Concepts;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Concepts;

/// <summary>The t-test TCAV's significance rests on, against SciPy's <c>ttest_ind</c> (the call TCAV's reference code and
/// Captum make) on the same samples: tools/peers/scipy_ttest.py wrote tests/TestData/peers/ttest.json.</summary>
public sealed class TwoSampleTestTests
{
    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, 10)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void AgreesWithSciPy(int index)
    {
        using JsonDocument reference = JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("peers/ttest.json")));
        JsonElement c = reference.RootElement.GetProperty("cases")[index];
        double[] a = [.. c.GetProperty("a").EnumerateArray().Select(v => v.GetDouble())], b = [.. c.GetProperty("b").EnumerateArray().Select(v => v.GetDouble())];

        TTestResult result = TwoSampleTest.Run(a, b, c.GetProperty("equalVariance").GetBoolean());

        double t = c.GetProperty("t").GetDouble(), p = c.GetProperty("p").GetDouble();
        Assert.True(Math.Abs(result.T - t) <= 1e-9 * Math.Max(1, Math.Abs(t)), $"t {result.T} vs SciPy {t}");
        Assert.True(Math.Abs(result.P - p) <= 1e-8 * Math.Max(p, 1e-300) + 1e-300, $"p {result.P:G10} vs SciPy {p:G10}");
    }

    [Fact]
    public void TcavSignificance_CorrectsForEveryComparison()
    {
        double[] concept = [0.9, 0.95, 0.85, 0.92, 0.88], random = [0.5, 0.45, 0.55, 0.52, 0.48];
        double p = TwoSampleTest.Run(concept, random).P;

        TcavSignificance one = TcavSignificance.Of(concept, random, comparisons: 1), many = TcavSignificance.Of(concept, random, comparisons: (int)(0.1 / p));

        Assert.True(one.Significant);
        Assert.Equal(p, one.P);
        Assert.Equal(Math.Min(1, p * (int)(0.1 / p)), many.CorrectedP, 12);
        Assert.False(many.Significant, $"corrected p {many.CorrectedP}");
    }

    [Fact]
    public void ConstantSamples_AreCertainlyEqualOrCertainlyDifferent()
    {
        Assert.Equal(1, TwoSampleTest.Run([0.5, 0.5], [0.5, 0.5]).P);
        Assert.Equal(0, TwoSampleTest.Run([1.0, 1.0], [0.5, 0.5]).P);
    }

    [Theory]
    [InlineData(20, 2.093024054408263)]
    [InlineData(3, 4.302652729911275)]
    [InlineData(51, 2.008559109715206)]
    public void ConfidenceInterval_UsesStudentsQuantile(int count, double scipyQuantile)
    {
        // SciPy's t.ppf(0.975, n − 1) (python3-scipy 1.10.1): the half-width is that quantile times the standard error.
        double[] values = [.. Enumerable.Range(0, count).Select(i => Math.Sin(i) + (0.1 * i))];
        double mean = values.Average(), se = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (count - 1) / count);

        (double low, double high) = TwoSampleTest.ConfidenceInterval(values);

        Assert.Equal(mean - (scipyQuantile * se), low, tolerance: 1e-8);
        Assert.Equal(mean + (scipyQuantile * se), high, tolerance: 1e-8);
    }
}
