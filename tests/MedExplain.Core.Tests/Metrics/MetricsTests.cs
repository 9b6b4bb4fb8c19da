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

    [Fact]
    public void RegionAndLeastRelevantFirstCurvesFollowTheirClosedForms()
    {
        // Additive model again, 16 regions of 4 voxels (2×2 patches); region r contributes C_r = Σ c_i over its voxels.
        var random = new Random(11);
        float[] w = [.. Enumerable.Range(0, 64).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        using OnnxModel model = AdditiveModel(w, outputs: 1);
        var x = new FloatTensor([1, 1, 8, 8], [.. Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble())]);
        float[] contribution = [.. w.Select((v, i) => v * x.Data[i])];
        int[] regions = [.. Enumerable.Range(0, 64).Select(i => ((i / 16) * 4) + (i % 8 / 2))];
        double[] regionTotals = [.. Enumerable.Range(0, 16).Select(r => regions.Select((l, i) => l == r ? (double)contribution[i] : 0).Sum())];
        var metrics = new Faithfulness(model, new AttributionOptions());
        const int Steps = 8; // two regions a step

        PerturbationCurve byRegion = metrics.Curves([new CurveInput(x, contribution, new FloatTensor(x.Shape), 0, regions)], Steps, CurveKind.Deletion)[0];
        PerturbationCurve leastFirst = metrics.Curves([new CurveInput(x, contribution, new FloatTensor(x.Shape), 0)], Steps, CurveKind.DeletionLeastRelevantFirst)[0];

        double[] descending = [.. regionTotals.OrderByDescending(c => c)]; // equal sizes: mean order = total order
        double[] ascendingVoxels = [.. contribution.Select(c => (double)c).Order()];
        for (int k = 0; k <= Steps; k++)
        {
            Assert.Equal(descending.Sum() - descending.Take(2 * k).Sum(), byRegion.Scores[k], 4);
            Assert.Equal(ascendingVoxels.Sum() - ascendingVoxels.Take(8 * k).Sum(), leastFirst.Scores[k], 4);
        }
    }

    [Fact]
    public void CurvesOfManyScansInOneStreamEqualEachScansOwnCurve()
    {
        var random = new Random(5);
        float[] w = [.. Enumerable.Range(0, 128).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        using OnnxModel model = AdditiveModel(w, outputs: 2);
        var metrics = new Faithfulness(model, new AttributionOptions());
        CurveInput[] items = [.. Enumerable.Range(0, 5).Select(s =>
        {
            var x = new FloatTensor([1, 1, 8, 8], [.. Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble())]);
            return new CurveInput(x, [.. x.Data.Select(_ => (float)random.NextDouble())], new FloatTensor(x.Shape), s % 2);
        })];

        IReadOnlyList<PerturbationCurve> together = metrics.Curves(items, 10, CurveKind.Insertion);

        for (int s = 0; s < items.Length; s++)
        {
            (double[] alone, double area) = metrics.Curve(items[s].Input, items[s].Attribution, items[s].Baseline, items[s].ClassIndex, 10, insertion: true);
            Assert.Equal(area, together[s].Area, 5);
            Assert.Equal(alone.Length, together[s].Scores.Length);
            Assert.True(alone.Zip(together[s].Scores).All(p => Math.Abs(p.First - p.Second) < 1e-5), $"scan {s}");
        }
    }

    /// <summary>y = Flatten(x) · W, with W of shape 64 × <paramref name="outputs"/>: every output additive over the voxels.</summary>
    private OnnxModel AdditiveModel(float[] w, int outputs) =>
        OnnxModel.Load(new TinyModelBuilder().Input("x", null, 1, 8, 8).Output("y", null, outputs)
            .Initializer("w", [64, outputs], w).Node("Flatten", ["x"], ["f"], "flatten").Node("Gemm", ["f", "w"], ["y"], "dense")
            .Save(_temp.File($"additive-{outputs}.onnx")));
}
