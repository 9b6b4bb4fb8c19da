using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Methods.Perturbation;

/// <summary>LIME on a model that is additive over the regions: the local linear fit is exact (R² = 1) and its
/// coefficients are each region's own contribution, computed here in closed form.</summary>
public sealed class LimeTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void OnAnAdditiveModelTheCoefficientsAreTheRegionContributions()
    {
        var random = new Random(31);
        float[] w = [.. Enumerable.Range(0, 36).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        using OnnxModel model = OnnxModel.Load(new TinyModelBuilder().Input("x", null, 1, 6, 6).Output("y", null, 1)
            .Initializer("w", [36, 1], w).Node("Flatten", ["x"], ["f"], "flatten").Node("Gemm", ["f", "w"], ["y"], "dense")
            .Save(_temp.File("linear.onnx")));
        var x = new FloatTensor([1, 1, 6, 6], [.. Enumerable.Range(0, 36).Select(_ => (float)((random.NextDouble() * 2) - 1))]);
        var mask = new FloatTensor([6, 6], [.. Enumerable.Range(0, 36).Select(v => (float)(v / 6 / 2))]); // 3 bands of 2 rows

        Attribution a = AttributionMethods.Get("lime").Attribute(model, x, ClassTarget.Class(0), new AttributionOptions { FeatureMask = mask, Samples = 500, Seed = 2 });

        // Zero baseline: region r contributes Σ_{e in r} w_e·x_e whenever it is kept.
        double[] contribution = [.. Enumerable.Range(0, 3).Select(r => Enumerable.Range(0, 36).Where(e => e / 12 == r).Sum(e => (double)w[e] * x.Data[e]))];
        double scale = contribution.Max(Math.Abs);
        for (int r = 0; r < 3; r++)
        {
            Assert.True(Math.Abs(a.Regions![0][r].Score - contribution[r]) < 0.05 * scale, $"region {r}: {a.Regions[0][r].Score} vs {contribution[r]}");
        }

        Assert.True(a.Diagnostics[Diagnostic.FitR2][0] > 0.99, $"R² {a.Diagnostics[Diagnostic.FitR2][0]}");
    }
}
