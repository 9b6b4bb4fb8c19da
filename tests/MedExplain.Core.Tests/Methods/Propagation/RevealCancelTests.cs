using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Methods.Propagation;

/// <summary>DeepLIFT RevealCancel against a literal computation from Shrikumar et al. (2017) on a dense ReLU network,
/// and its summation-to-delta property on a convolutional one.</summary>
public sealed class RevealCancelTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void DenseNetworkMatchesTheLiteralDefinition()
    {
        const int In = 12, Hidden = 6, Out = 2, Target = 1;
        var random = new Random(17);
        double[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 2) - 1)];
        double[] w1 = Values(In * Hidden), b1 = Values(Hidden), w2 = Values(Hidden * Out), b2 = Values(Out), x = Values(In), r = Values(In);
        using OnnxModel model = OnnxModel.Load(new TinyModelBuilder()
            .Input("x", null, In).Output("y", null, Out)
            .Initializer("w1", [In, Hidden], [.. w1.Select(v => (float)v)]).Initializer("b1", [Hidden], [.. b1.Select(v => (float)v)])
            .Initializer("w2", [Hidden, Out], [.. w2.Select(v => (float)v)]).Initializer("b2", [Out], [.. b2.Select(v => (float)v)])
            .Node("Gemm", ["x", "w1", "b1"], ["h"], "dense1").Node("Relu", ["h"], ["a"], "relu").Node("Gemm", ["a", "w2", "b2"], ["y"], "dense2")
            .Save(_temp.File("dense.onnx")));

        var options = new AttributionOptions { Baseline = BaselineKind.Array, BaselineArray = new FloatTensor([1, In], [.. r.Select(v => (float)v)]) };
        Attribution a = AttributionMethods.Get("deeplift-reveal-cancel").Attribute(model, new FloatTensor([1, In], [.. x.Select(v => (float)v)]), ClassTarget.Class(Target), options);

        // The literal computation: Δa = x − r; per hidden neuron the positive and negative parts of Δh, their RevealCancel
        // impacts on the ReLU, multipliers, then back to each input by the sign of its own Δa.
        static double Relu(double v) => Math.Max(v, 0);
        double[] expected = new double[In];
        int revealed = 0;
        for (int j = 0; j < Hidden; j++)
        {
            double x0 = b1[j], dPlus = 0, dMinus = 0;
            for (int i = 0; i < In; i++)
            {
                double w = w1[(i * Hidden) + j], d = x[i] - r[i];
                x0 += w * r[i];
                dPlus += w * d > 0 ? w * d : 0;
                dMinus += w * d < 0 ? w * d : 0;
            }

            double y0 = Relu(x0);
            double yPlus = (0.5 * (Relu(x0 + dPlus) - y0)) + (0.5 * (Relu(x0 + dMinus + dPlus) - Relu(x0 + dMinus)));
            double yMinus = (0.5 * (Relu(x0 + dMinus) - y0)) + (0.5 * (Relu(x0 + dPlus + dMinus) - Relu(x0 + dPlus)));
            double slope = x0 + dPlus + dMinus > 0 ? 1 : 0;
            double mPlus = Math.Abs(dPlus) < 1e-6 ? slope : yPlus / dPlus, mMinus = Math.Abs(dMinus) < 1e-6 ? slope : yMinus / dMinus;
            double mOut = w2[(j * Out) + Target];
            revealed += Math.Abs(mPlus - mMinus) > 0.05 ? 1 : 0;
            for (int i = 0; i < In; i++)
            {
                double w = w1[(i * Hidden) + j], d = x[i] - r[i];
                double multiplier = w * d > 0 ? w * mPlus : w * d < 0 ? w * mMinus : 0;
                expected[i] += d * mOut * multiplier;
            }
        }

        Assert.True(revealed > 0, "the test needs a neuron whose positive and negative parts get different multipliers");
        for (int i = 0; i < In; i++)
        {
            Assert.True(Math.Abs(expected[i] - a.Values.Data[i]) < 1e-5, $"input {i}: {a.Values.Data[i]} vs literal {expected[i]}");
        }

        Assert.True(Math.Abs(a.Diagnostics[Diagnostic.SummationToDeltaGap][0]) < 1e-5);
    }

    [Fact]
    public void ConvolutionalNetworkSumsToTheOutputDifferenceAndDiffersFromRescale()
    {
        var random = new Random(8);
        float[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        using OnnxModel model = OnnxModel.Load(new TinyModelBuilder(opset: 17)
            .Input("x", null, 1, 6, 6).Output("y", null, 3)
            .Initializer("w1", [4, 1, 3, 3], Values(36)).Initializer("b1", [4], Values(4)).Initializer("w2", [144, 3], Values(432))
            .Node("Conv", ["x", "w1", "b1"], ["c"], "conv", ("pads", new long[] { 1, 1, 1, 1 })).Node("Relu", ["c"], ["a"], "relu")
            .Node("Flatten", ["a"], ["f"], "flatten").Node("Gemm", ["f", "w2"], ["y"], "dense")
            .Save(_temp.File("conv.onnx")));
        var x = new FloatTensor([2, 1, 6, 6], Values(72));
        var options = new AttributionOptions { Baseline = BaselineKind.Array, BaselineArray = new FloatTensor([2, 1, 6, 6], Values(72)) };

        Attribution revealCancel = AttributionMethods.Get("deeplift-reveal-cancel").Attribute(model, x, ClassTarget.Class(0), options);
        Attribution rescale = AttributionMethods.Get("deeplift").Attribute(model, x, ClassTarget.Class(0), options);

        Assert.All(revealCancel.Diagnostics[Diagnostic.SummationToDeltaGap], gap => Assert.True(Math.Abs(gap) < 1e-4, $"gap {gap}"));
        Assert.True(Numerics.RelativeL2(revealCancel.Values.Data, rescale.Values.Data) > 0.01, "RevealCancel must differ from Rescale where positive and negative terms cancel");
    }
}
