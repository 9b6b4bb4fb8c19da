using MedExplain.Methods;
using MedExplain.Metrics;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Metrics;

/// <summary>The evaluation metrics on cases whose answers are known in closed form.</summary>
public sealed class MetricsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void AMapEqualToTheMaskScoresOneAndItsInverseZero()
    {
        float[] mask = [.. Enumerable.Range(0, 100).Select(i => i is >= 20 and < 30 ? 1f : 0f)];
        float[] inverse = [.. mask.Select(m => 1 - m)];

        Assert.Equal(1, Localisation.PointingGame(mask, mask));
        Assert.Equal(1, Localisation.RelevanceMass(mask, mask));
        Assert.Equal(1, Localisation.RelevanceRank(mask, mask));
        Assert.Equal(1, Localisation.Iou(mask, mask, quantile: 0.9));
        Assert.Equal(0, Localisation.PointingGame(inverse, mask));
        Assert.Equal(0, Localisation.RelevanceMass(inverse, mask));
        Assert.Equal(0, Localisation.RelevanceRank(inverse, mask));
    }

    [Fact]
    public void OnALinearModelInputTimesGradientIsCompleteAndSensitivityNIsOneForEveryN()
    {
        using OnnxModel model = OnnxModel.Load(TinyModels.Linear().Save(_temp.File("linear.onnx")));
        var x = new FloatTensor([1, 1, 2, 2], [1.5f, -2, 0.5f, 3]);
        var baseline = new FloatTensor(x.Shape);
        float[] map = AttributionMethods.Get("input-x-gradient").Attribute(model, x, ClassTarget.Class(1), new AttributionOptions()).Values.Data;
        var metrics = new Faithfulness(model, new AttributionOptions { Seed = 3 });

        Assert.True(Math.Abs(metrics.Completeness(x, map, baseline, 1)) < 1e-5);
        foreach ((int n, double correlation) in metrics.SensitivityN(x, map, baseline, 1, [1, 2, 3], subsets: 20))
        {
            Assert.True(Math.Abs(correlation - 1) < 1e-5, $"n = {n}: correlation {correlation}");
        }
    }

    [Fact]
    public void DeletionOfTheIdealOrderingFollowsItsClosedFormAndBeatsARandomOne()
    {
        // An additive model: y = Σ w_i·x_i; voxel i contributes c_i = w_i·x_i, so deleting the largest c first is ideal.
        var random = new Random(7);
        float[] w = [.. Enumerable.Range(0, 64).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        using OnnxModel model = OnnxModel.Load(new TinyModelBuilder().Input("x", null, 1, 8, 8).Output("y", null, 1)
            .Initializer("w", [64, 1], w).Node("Flatten", ["x"], ["f"], "flatten").Node("Gemm", ["f", "w"], ["y"], "dense")
            .Save(_temp.File("additive.onnx")));
        var x = new FloatTensor([1, 1, 8, 8], [.. Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble())]);
        float[] contribution = [.. w.Select((v, i) => v * x.Data[i])];
        var metrics = new Faithfulness(model, new AttributionOptions());
        const int Steps = 16;

        (double[] curve, double area) = metrics.Curve(x, contribution, new FloatTensor(x.Shape), 0, Steps, insertion: false);

        // Closed form: after step k the 4k largest contributions are gone.
        double[] sorted = [.. contribution.Select(c => (double)c).OrderByDescending(c => c)];
        double total = sorted.Sum();
        double[] expected = [.. Enumerable.Range(0, Steps + 1).Select(k => total - sorted.Take(4 * k).Sum())];
        double expectedArea = Enumerable.Range(0, Steps).Sum(k => (expected[k] + expected[k + 1]) / 2 / Steps);
        Assert.True(curve.Zip(expected).All(p => Math.Abs(p.First - p.Second) < 1e-4), "the curve follows the closed form");
        Assert.True(Math.Abs(area - expectedArea) < 1e-4);

        float[] shuffled = [.. contribution.OrderBy(_ => random.Next())];
        (_, double randomArea) = metrics.Curve(x, shuffled, new FloatTensor(x.Shape), 0, Steps, insertion: false);
        Assert.True(area < randomArea, $"ideal deletion area {area} vs random {randomArea}");
    }
}
