using MedExplain.Methods;
using MedExplain.Methods.Propagation;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Methods.Propagation;

/// <summary>PatternNet and PatternAttribution on the signal-and-distractor example of Kindermans et al. (2018):
/// x = a_s·s + a_d·ε, the model y = wᵀx with w ⟂ a_d. The weights point away from the signal; the patterns must find it.</summary>
public sealed class PatternTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void PatternsRecoverTheSignalDirectionAndAttributionIgnoresTheDistractor()
    {
        // a_s = (1, 0), a_d = (1, 1); w = (1, −1) cancels the distractor, so y = s exactly.
        using OnnxModel model = OnnxModel.Load(new TinyModelBuilder()
            .Input("x", null, 2).Output("y", null, 1)
            .Initializer("w", [2, 1], [1, -1])
            .Node("Gemm", ["x", "w"], ["y"], "dense")
            .Save(_temp.File("signal.onnx")));
        var random = new Random(5);
        const int N = 4000;
        var data = new FloatTensor(N, 2);
        for (int n = 0; n < N; n++)
        {
            double s = (random.NextDouble() * 2) - 1, e = Normal(random);
            data.Data[2 * n] = (float)(s + e);
            data.Data[(2 * n) + 1] = (float)e;
        }

        PatternSet patterns = PatternFitter.Fit(model, data);

        float[] a = patterns.Patterns["dense"].Data;
        Assert.True(Math.Abs(a[0] - 1) < 0.05 && Math.Abs(a[1]) < 0.05, $"pattern ({a[0]}, {a[1]}), expected the signal direction (1, 0)");

        var x = new FloatTensor([1, 2], [0.5f + 0.8f, 0.8f]); // s = 0.5, ε = 0.8
        var options = new AttributionOptions { Patterns = patterns };
        float[] attribution = AttributionMethods.Get("pattern-attribution").Attribute(model, x, ClassTarget.Class(0), options).Values.Data;
        float[] signal = AttributionMethods.Get("patternnet").Attribute(model, x, ClassTarget.Class(0), options).Values.Data;
        float[] inputTimesGradient = AttributionMethods.Get("input-x-gradient").Attribute(model, x, ClassTarget.Class(0), options).Values.Data;

        Assert.True(Math.Abs(attribution[0] - 0.5) < 0.03 && Math.Abs(attribution[1]) < 0.03, $"PatternAttribution ({attribution[0]}, {attribution[1]})");
        Assert.True(Math.Abs(signal[0] - 0.5) < 0.03 && Math.Abs(signal[1]) < 0.03, $"PatternNet ({signal[0]}, {signal[1]})");
        Assert.True(Math.Abs(inputTimesGradient[1]) > 0.5, "the gradient-based map does attribute the distractor (the contrast the test relies on)");
    }

    [Fact]
    public void ConvolutionPatternsOfAPureSignalModelAreItsFilter()
    {
        // With no distractor (x = the filter's direction times a positive amount plus nothing else), a = w / |w|².
        float[] w = [0.5f, -1, 2, 1];
        using OnnxModel model = OnnxModel.Load(new TinyModelBuilder()
            .Input("x", null, 1, 4, 4).Output("y", null, 1, 3, 3)
            .Initializer("w", [1, 1, 2, 2], w)
            .Node("Conv", ["x", "w"], ["y"], "conv")
            .Save(_temp.File("conv.onnx")));
        var random = new Random(2);
        var data = new FloatTensor(200, 1, 4, 4);
        for (int i = 0; i < data.Data.Length; i++)
        {
            data.Data[i] = (float)Normal(random);
        }

        float[] a = PatternFitter.Fit(model, data).Patterns["conv"].Data;

        // Independent Gaussian inputs: cov(x, y | y > 0) ∝ w, so the pattern is w / wᵀw.
        double norm = w.Sum(v => v * (double)v);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(Math.Abs(a[i] - (w[i] / norm)) < 0.03, $"a[{i}] = {a[i]}, expected {w[i] / norm}");
        }
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
