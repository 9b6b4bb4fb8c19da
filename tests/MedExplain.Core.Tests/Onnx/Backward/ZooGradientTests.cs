using MedExplain.Imaging.Npy;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using MedExplain.TestUtilities;
using Xunit.Abstractions;

namespace MedExplain.Core.Tests.Onnx.Backward;

/// <summary>Compiled gradients against torch autograd, on models torch's own exporter wrote (tools/model_zoo).</summary>
public sealed class ZooGradientTests(ITestOutputHelper output)
{
    /// <summary>Every exported file of the zoo: NAME.onnx (opset 17) and NAME.opsetNN.onnx.</summary>
    public static TheoryData<string> Zoo => [.. ModelZoo.Files()];

    [Theory]
    [MemberData(nameof(Zoo))]
    public void Compile_ZooModel_InputGradientMatchesTorchAutograd(string file)
    {
        string name = ModelZoo.NameOf(file);
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData($"zoo/{file}"));
        FloatTensor input = NpyReader.Read(RepoPaths.TestData($"zoo/{name}.input.npy"));
        FloatTensor expected = NpyReader.Read(RepoPaths.TestData($"zoo/{name}.grad.npy"));
        BackwardSession session = model.Backward(input.Shape, new BackwardRequest("logits", RuleSet.Gradient, [model.ImageInput.Name], []));
        FloatTensor seed = SeedFor(name, session.Graph.SeedShape);

        FloatTensor gradient = session.Run(input, seed, [session.Graph.SignalOutputs[model.ImageInput.Name]])[0];

        double error = Numerics.RelativeL2(gradient.Data, expected.Data);
        output.WriteLine($"{file}: relative L2 error {error:E2}");
        Assert.Equal(expected.Shape, gradient.Shape);
        Assert.True(error <= 1e-4, $"{file}: relative L2 error {error:E2}");
    }

    /// <summary>The segmentation model's saved mask over its output, or one-hot rows for the saved class targets.</summary>
    internal static FloatTensor SeedFor(string name, int[] seedShape)
    {
        string mask = RepoPaths.TestData($"zoo/{name}.seed.npy");
        if (File.Exists(mask))
        {
            return NpyReader.Read(mask);
        }

        int[] targets = [.. NpyReader.Read(RepoPaths.TestData($"zoo/{name}.targets.npy")).Data.Select(v => (int)v)];
        var seed = new FloatTensor(seedShape);
        for (int i = 0; i < targets.Length; i++)
        {
            seed.Data[(i * seed.ItemSize) + targets[i]] = 1;
        }

        return seed;
    }
}
