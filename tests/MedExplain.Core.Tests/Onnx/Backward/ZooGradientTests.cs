using MedExplain.Imaging.Npy;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using MedExplain.TestUtilities;
using Google.Protobuf;
using Onnx;
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

    [Fact]
    public void Compile_ModelWithExternalData_LoadsAndMatchesTorchAutograd()
    {
        // The format for models over 2 GiB: weights in a file beside the graph. Probes and compiled graphs are built
        // from bytes, so they must be told the model's folder.
        using var dir = new TempDirectory();
        ModelProto proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(RepoPaths.TestData("zoo/resnet-bn-folded.opset13.onnx")));
        using (FileStream weights = File.Create(dir.File("weights.bin")))
        {
            foreach (TensorProto tensor in proto.Graph.Initializer.Where(t => t.RawData.Length >= 256))
            {
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = weights.Position.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = tensor.RawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                weights.Write(tensor.RawData.Span);
                tensor.RawData = ByteString.Empty;
                tensor.DataLocation = TensorProto.Types.DataLocation.External;
            }

            Assert.True(weights.Length > 10_000, "the test needs most weights outside the graph");
        }

        File.WriteAllBytes(dir.File("model.onnx"), proto.ToByteArray());
        using OnnxModel model = OnnxModel.Load(dir.File("model.onnx"));
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("zoo/resnet-bn-folded.input.npy"));
        BackwardSession session = model.Backward(input.Shape, new BackwardRequest("logits", RuleSet.Gradient, [model.ImageInput.Name], []));

        FloatTensor gradient = session.Run(input, SeedFor("resnet-bn-folded", session.Graph.SeedShape), [session.Graph.SignalOutputs[model.ImageInput.Name]])[0];

        Assert.True(Numerics.RelativeL2(gradient.Data, NpyReader.Read(RepoPaths.TestData("zoo/resnet-bn-folded.grad.npy")).Data) <= 1e-4);
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
