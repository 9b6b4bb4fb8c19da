using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Prediction;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Methods.Perturbation;

/// <summary>Region-level methods against exact Shapley values computed here by enumerating every coalition of a few
/// regions (one forward pass each, Shapley's formula), and against their published properties.</summary>
public sealed class ShapleyTests : IDisposable
{
    private const int ClassIndex = 2;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void KernelShapWithEveryCoalitionIsExact()
    {
        (OnnxModel model, FloatTensor x, FloatTensor mask) = Setup(regions: 6);
        using (model)
        {
            double[] exact = ExactShapley(model, x, mask, 6);

            Attribution a = AttributionMethods.Get("kernel-shap").Attribute(model, x, ClassTarget.Class(ClassIndex), new AttributionOptions { FeatureMask = mask, Samples = 100 });

            double[] estimated = [.. a.Regions![0].Select(r => r.Score)];
            Assert.Equal(64 - 2, a.Diagnostics[Diagnostic.Coalitions][0]);
            for (int f = 0; f < 6; f++)
            {
                Assert.True(Math.Abs(estimated[f] - exact[f]) < 1e-4, $"region {f}: {estimated[f]} vs exact {exact[f]}");
            }
        }
    }

    [Fact]
    public void ShapleySamplingConvergesWithinItsStandardErrorsAndIsEfficient()
    {
        (OnnxModel model, FloatTensor x, FloatTensor mask) = Setup(regions: 6);
        using (model)
        {
            double[] exact = ExactShapley(model, x, mask, 6);

            Attribution a = AttributionMethods.Get("shapley-sampling").Attribute(model, x, ClassTarget.Class(ClassIndex), new AttributionOptions { FeatureMask = mask, Samples = 60, Seed = 4 });

            IReadOnlyList<RegionScore> regions = a.Regions![0];
            for (int f = 0; f < 6; f++)
            {
                double error = regions[f].StandardError!.Value;
                Assert.True(Math.Abs(regions[f].Score - exact[f]) <= (4 * error) + 1e-5, $"region {f}: {regions[f].Score} ± {error} vs exact {exact[f]}");
            }

            double delta = Score(model, x, ClassIndex) - Score(model, new FloatTensor(x.Shape), ClassIndex);
            Assert.True(Math.Abs(regions.Sum(r => r.Score) - delta) < 1e-4, "every ordering adds up to f(x) − f(baseline)");
        }
    }

    [Fact]
    public void KernelShapWithSampledCoalitionsApproachesTheExactValuesAndStaysEfficient()
    {
        (OnnxModel model, FloatTensor x, FloatTensor mask) = Setup(regions: 9);
        using (model)
        {
            double[] exact = ExactShapley(model, x, mask, 9);

            Attribution a = AttributionMethods.Get("kernel-shap").Attribute(model, x, ClassTarget.Class(ClassIndex), new AttributionOptions { FeatureMask = mask, Samples = 400, Seed = 1 });

            double[] estimated = [.. a.Regions![0].Select(r => r.Score)];
            double scale = exact.Max(Math.Abs);
            Assert.True(estimated.Zip(exact).Max(p => Math.Abs(p.First - p.Second)) < 0.15 * scale, $"estimates {string.Join(", ", estimated)} vs exact {string.Join(", ", exact)}");
            Assert.True(Math.Abs(estimated.Sum() - exact.Sum()) < 1e-4, "the efficiency constraint holds exactly");
        }
    }

    [Fact]
    public void FeatureAblationIsTheDropWhenEachRegionGoes()
    {
        (OnnxModel model, FloatTensor x, FloatTensor mask) = Setup(regions: 4);
        using (model)
        {
            Attribution a = AttributionMethods.Get("feature-ablation").Attribute(model, x, ClassTarget.Class(ClassIndex), new AttributionOptions { FeatureMask = mask });

            double full = Score(model, x, ClassIndex);
            for (int f = 0; f < 4; f++)
            {
                double without = Score(model, Coalition(x, mask, bits: 0b1111 & ~(1 << f)), ClassIndex);
                Assert.True(Math.Abs(a.Regions![0][f].Score - (full - without)) < 1e-5);
                Assert.Contains(a.Values.Data, v => Math.Abs(v - (full - without)) < 1e-5); // spread over the region's voxels
            }
        }
    }

    /// <summary>φ_i = Σ_S |S|!(F − |S| − 1)!/F! · (f(S ∪ {i}) − f(S)), every f a forward pass with the other regions at zero.</summary>
    private static double[] ExactShapley(OnnxModel model, FloatTensor x, FloatTensor mask, int features)
    {
        var value = new double[1 << features];
        for (int bits = 0; bits < value.Length; bits++)
        {
            value[bits] = Score(model, Coalition(x, mask, bits), ClassIndex);
        }

        static double Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);
        var phi = new double[features];
        for (int i = 0; i < features; i++)
        {
            for (int bits = 0; bits < value.Length; bits++)
            {
                if ((bits & (1 << i)) == 0)
                {
                    int size = System.Numerics.BitOperations.PopCount((uint)bits);
                    phi[i] += Factorial(size) * Factorial(features - size - 1) / Factorial(features) * (value[bits | (1 << i)] - value[bits]);
                }
            }
        }

        return phi;
    }

    private static FloatTensor Coalition(FloatTensor x, FloatTensor mask, int bits)
    {
        var result = new FloatTensor(x.Shape);
        int plane = mask.Data.Length;
        for (int e = 0; e < x.Data.Length; e++)
        {
            result.Data[e] = (bits & (1 << (int)mask.Data[e % plane])) != 0 ? x.Data[e] : 0;
        }

        return result;
    }

    private static double Score(OnnxModel model, FloatTensor input, int classIndex) => new Predictor(model).Forward(input, "y").Data[classIndex];

    /// <summary>A nonlinear net on 1×2×6×6 inputs and a mask of <paramref name="regions"/> vertical bands (shared by both channels).</summary>
    private (OnnxModel Model, FloatTensor X, FloatTensor Mask) Setup(int regions)
    {
        var random = new Random(13);
        float[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        string path = new TinyModelBuilder(opset: 17).Input("x", null, 2, 6, 6).Output("y", null, 3)
            .Initializer("w1", [4, 2, 3, 3], Values(72)).Initializer("b1", [4], Values(4)).Initializer("w2", [4, 3], Values(12))
            .Node("Conv", ["x", "w1", "b1"], ["c"], "conv", ("pads", new long[] { 1, 1, 1, 1 })).Node("Relu", ["c"], ["r"], "relu")
            .Node("GlobalMaxPool", ["r"], ["g"], "gmp").Node("Flatten", ["g"], ["f"], "flatten").Node("Gemm", ["f", "w2"], ["y"], "dense")
            .Save(_temp.File($"net{regions}.onnx"));
        var x = new FloatTensor([1, 2, 6, 6], Values(72));
        var mask = new FloatTensor([6, 6]);
        for (int v = 0; v < 36; v++)
        {
            mask.Data[v] = Math.Min(regions - 1, v * regions / 36);
        }

        return (OnnxModel.Load(path), x, mask);
    }
}
