using MedExplain.Imaging.Npy;
using MedExplain.Methods;
using MedExplain.Methods.Propagation;
using MedExplain.Onnx;
using MedExplain.Onnx.Canonizers;
using MedExplain.Prediction;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Onnx.Canonizers;

/// <summary>Folding BatchNorm into the layer before it changes no output, and LRP then sees the same network as a model exported folded.</summary>
public sealed class BatchNormFoldingTests
{
    [Theory]
    [InlineData("resnet-bn-unfolded", 4)]
    [InlineData("densenet-block", 0)]
    public void FoldingLeavesTheLogitsUnchanged(string name, int foldable)
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData($"zoo/{name}.onnx"));
        FloatTensor input = NpyReader.Read(RepoPaths.TestData($"zoo/{name}.input.npy"));

        OnnxModel folded = LrpMethod.Canonical(model);

        Assert.Equal(foldable, BatchNormFolding.Apply(model.Proto).Count);
        Assert.Equal(model.OpInventory.GetValueOrDefault("BatchNormalization") - foldable, folded.OpInventory.GetValueOrDefault("BatchNormalization"));
        FloatTensor before = new Predictor(model).Forward(input, model.ScoreOutput.Name);
        FloatTensor after = new Predictor(folded).Forward(input, folded.ScoreOutput.Name);
        Assert.True(Numerics.RelativeL2(after.Data, before.Data) < 1e-5, $"relative L2 {Numerics.RelativeL2(after.Data, before.Data)}");
    }

    [Fact]
    public void LrpOnConvBatchNormEqualsLrpOnTheHandFoldedConv()
    {
        using var temp = new TempDirectory();
        var random = new Random(12);
        float[] Values(int count, double low, double high) => [.. Enumerable.Range(0, count).Select(_ => (float)(low + (random.NextDouble() * (high - low))))];
        float[] w = Values(3 * 1 * 3 * 3, -1, 1), b = Values(3, -0.5, 0.5), head = Values(3 * 2, -1, 1);
        float[] gamma = Values(3, 0.5, 2), beta = Values(3, -0.5, 0.5), mean = Values(3, -0.3, 0.3), variance = Values(3, 0.2, 2);
        const float Epsilon = 1e-5f;

        // The fold written out here: W' = W·γ/√(σ²+ε) per output channel, b' = (b − μ)·γ/√(σ²+ε) + β.
        float[] scale = [.. Enumerable.Range(0, 3).Select(c => gamma[c] / MathF.Sqrt(variance[c] + Epsilon))];
        float[] wFolded = [.. w.Select((v, n) => v * scale[n / 9])];
        float[] bFolded = [.. Enumerable.Range(0, 3).Select(c => ((b[c] - mean[c]) * scale[c]) + beta[c])];

        TinyModelBuilder Net(bool withBatchNorm)
        {
            var builder = new TinyModelBuilder(opset: 17).Input("x", null, 1, 6, 6).Output("y", null, 2)
                .Initializer("w", [3, 1, 3, 3], withBatchNorm ? w : wFolded).Initializer("b", [3], withBatchNorm ? b : bFolded)
                .Initializer("head", [3, 2], head);
            if (withBatchNorm)
            {
                builder.Initializer("gamma", [3], gamma).Initializer("beta", [3], beta).Initializer("mean", [3], mean).Initializer("var", [3], variance)
                    .Node("Conv", ["x", "w", "b"], ["conv"], "conv", ("pads", new long[] { 1, 1, 1, 1 }))
                    .Node("BatchNormalization", ["conv", "gamma", "beta", "mean", "var"], ["bn"], "bn", ("epsilon", Epsilon));
            }
            else
            {
                builder.Node("Conv", ["x", "w", "b"], ["bn"], "conv", ("pads", new long[] { 1, 1, 1, 1 }));
            }

            return builder.Node("Relu", ["bn"], ["relu"], "relu").Node("GlobalAveragePool", ["relu"], ["gap"], "gap")
                .Node("Flatten", ["gap"], ["flat"], "flatten").Node("Gemm", ["flat", "head"], ["y"], "dense");
        }

        using OnnxModel withBn = OnnxModel.Load(Net(true).Save(temp.File("bn.onnx")));
        using OnnxModel handFolded = OnnxModel.Load(Net(false).Save(temp.File("folded.onnx")));
        var input = new FloatTensor([1, 1, 6, 6], Values(36, -1, 1));

        foreach (string composite in new[] { "epsilon-plus", "epsilon-alpha2-beta1", "epsilon" })
        {
            var options = new AttributionOptions { Composite = composite };
            Attribution a = AttributionMethods.Get("lrp").Attribute(withBn, input, ClassTarget.Class(1), options);
            Attribution c = AttributionMethods.Get("lrp").Attribute(handFolded, input, ClassTarget.Class(1), options);
            Assert.True(Numerics.RelativeL2(a.Values.Data, c.Values.Data) < 1e-4, $"{composite}: relative L2 {Numerics.RelativeL2(a.Values.Data, c.Values.Data)}");
        }
    }
}
