using MedExplain.Concepts;

namespace MedExplain.Core.Tests.Concepts;

/// <summary>Regression concept vectors against closed forms: a measure that is exactly a·x gives R² = 1 and a direction
/// parallel to a; with more activation values than examples the minimum-norm fit still reproduces the measures; the
/// relevance keeps the sign of the gradients.</summary>
public sealed class RcvTests
{
    private static readonly double[] A = [2, -1, 0.5, 0, 3];

    [Fact]
    public void AMeasureThatIsLinearInTheActivations_GivesRSquaredOneAndItsDirection()
    {
        (float[][] x, double[] y) = Linear(examples: 40, seed: 1);

        RegressionConceptVector rcv = RcvTrainer.Fit(x, y);

        Assert.True(rcv.CrossValidatedR2 > 1 - 1e-6, $"R² {rcv.CrossValidatedR2}");
        Assert.True(Cosine(rcv.Direction, A) > 1 - 1e-6, $"cosine {Cosine(rcv.Direction, A)}");
        Assert.True(rcv.FoldCosine > 1 - 1e-6);
        Assert.Equal(7, rcv.Intercept, 4);
    }

    [Fact]
    public void MoreValuesThanExamples_TakesTheMinimumNormFitThatReproducesTheMeasures()
    {
        var rng = new Random(2);
        float[][] x = [.. Enumerable.Range(0, 12).Select(_ => Enumerable.Range(0, 40).Select(_ => (float)rng.NextDouble()).ToArray())];
        double[] y = [.. x.Select(v => v.Select((e, j) => e * Math.Sin(j)).Sum())];

        RegressionConceptVector rcv = RcvTrainer.Fit(x, y);

        for (int n = 0; n < x.Length; n++)
        {
            Assert.Equal(y[n], x[n].Select((e, j) => e * (double)rcv.Direction[j]).Sum() + rcv.Intercept, 3);
        }
    }

    [Fact]
    public void Relevance_KeepsTheSignOfTheGradients()
    {
        (float[][] x, double[] y) = Linear(examples: 30, seed: 3);
        RegressionConceptVector rcv = RcvTrainer.Fit(x, y);
        float[][] along = [.. Enumerable.Range(0, 10).Select(n => A.Select(v => (float)(v * (1 + (0.1 * n)))).ToArray())];
        float[][] against = [.. along.Select(g => g.Select(v => -v).ToArray())];

        ConceptRelevance up = RcvTrainer.Relevance(along, rcv), down = RcvTrainer.Relevance(against, rcv);

        Assert.True(up.Relevance > 0 && down.Relevance < 0, $"{up.Relevance} and {down.Relevance}");
        Assert.Equal(up.Relevance!.Value, -down.Relevance!.Value, 6);
    }

    [Fact]
    public void Relevance_IsUndefinedWhenEveryInputHasTheSameSensitivity()
    {
        (float[][] x, double[] y) = Linear(examples: 30, seed: 4);
        RegressionConceptVector rcv = RcvTrainer.Fit(x, y);
        float[][] same = [.. Enumerable.Range(0, 10).Select(_ => A.Select(v => (float)v).ToArray())];

        ConceptRelevance relevance = RcvTrainer.Relevance(same, rcv);

        Assert.Null(relevance.Relevance);
        Assert.True(relevance.MeanSensitivity > 0);
    }

    [Fact]
    public void Relevance_IsZeroWhenTheLayerCannotPredictTheMeasure()
    {
        var rng = new Random(5);
        float[][] x = [.. Enumerable.Range(0, 30).Select(_ => Enumerable.Range(0, 40).Select(_ => (float)rng.NextDouble()).ToArray())];
        double[] noise = [.. Enumerable.Range(0, 30).Select(_ => rng.NextDouble())];
        RegressionConceptVector rcv = RcvTrainer.Fit(x, noise);
        float[][] gradients = [.. Enumerable.Range(0, 10).Select(n => rcv.Direction.Select(v => v * (1 + n)).ToArray())];

        ConceptRelevance relevance = RcvTrainer.Relevance(gradients, rcv);

        Assert.True(rcv.CrossValidatedR2 < 0, $"R² {rcv.CrossValidatedR2}");
        Assert.Equal(0, relevance.Relevance);
    }

    private static (float[][] X, double[] Y) Linear(int examples, int seed)
    {
        var rng = new Random(seed);
        float[][] x = [.. Enumerable.Range(0, examples).Select(_ => Enumerable.Range(0, A.Length).Select(_ => (float)rng.NextDouble()).ToArray())];
        return (x, [.. x.Select(v => 7 + v.Select((e, j) => e * A[j]).Sum())]);
    }

    private static double Cosine(float[] a, double[] b) =>
        a.Zip(b, (p, q) => p * q).Sum() / Math.Sqrt(a.Sum(v => (double)v * v) * b.Sum(v => v * v));
}
