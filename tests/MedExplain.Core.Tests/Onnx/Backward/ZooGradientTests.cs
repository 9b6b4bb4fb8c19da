using MedExplain.Imaging.Npy;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using MedExplain.TestUtilities;
using Xunit.Abstractions;

namespace MedExplain.Core.Tests.Onnx.Backward;

/// <summary>Compiled gradients against torch autograd, on models torch's own exporter wrote (tools/model_zoo).</summary>
public sealed class ZooGradientTests(ITestOutputHelper output)
{
    public static TheoryData<string> Zoo => new() { "resnet-bn-folded", "resnet-bn-unfolded", "densenet-block", "cnn3d", "smooth-head" };

    [Theory]
    [MemberData(nameof(Zoo))]
    public void Compile_ZooModel_InputGradientMatchesTorchAutograd(string name)
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData($"zoo/{name}.onnx"));
        FloatTensor input = NpyReader.Read(RepoPaths.TestData($"zoo/{name}.input.npy"));
        int[] targets = [.. NpyReader.Read(RepoPaths.TestData($"zoo/{name}.targets.npy")).Data.Select(v => (int)v)];
        FloatTensor expected = NpyReader.Read(RepoPaths.TestData($"zoo/{name}.grad.npy"));
        BackwardSession session = model.Backward(input.Shape, new BackwardRequest("logits", RuleSet.Gradient, [model.ImageInput.Name], []));
        var seed = new FloatTensor(session.Graph.SeedShape);
        for (int i = 0; i < targets.Length; i++)
        {
            seed.Data[(i * seed.ItemSize) + targets[i]] = 1;
        }

        FloatTensor gradient = session.Run(input, seed, [session.Graph.SignalOutputs[model.ImageInput.Name]])[0];

        double error = Numerics.RelativeL2(gradient.Data, expected.Data);
        output.WriteLine($"{name}: relative L2 error {error:E2}");
        Assert.Equal(expected.Shape, gradient.Shape);
        Assert.True(error <= 1e-4, $"{name}: relative L2 error {error:E2}");
    }
}
