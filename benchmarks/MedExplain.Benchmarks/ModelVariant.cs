using Google.Protobuf;
using Onnx;
using System.Text.Json.Nodes;
using MedExplain.Onnx;

namespace MedExplain.Benchmarks;

/// <summary>A bundled demo model at its own size or at a larger input size (both demo models are fully convolutional
/// up to global pooling), with a card written for that size.</summary>
internal sealed class ModelVariant : IDisposable
{
    private readonly string _folder;

    private ModelVariant(string folder, OnnxModel model)
    {
        _folder = folder;
        Model = model;
    }

    public OnnxModel Model { get; }

    /// <summary>"2d-128", "2d-224", "3d-64" or "3d-128".</summary>
    public static ModelVariant Load(string name)
    {
        (string model, int[] spatial) = name switch
        {
            "2d-128" => ("brain-lesion-2d", new[] { 128, 128 }),
            "2d-224" => ("brain-lesion-2d", [224, 224]),
            "3d-64" => ("brain-lesion-3d", [64, 64, 64]),
            "3d-128" => ("brain-lesion-3d", [128, 128, 128]),
            _ => throw new ArgumentException($"unknown variant {name}", nameof(name)),
        };
        string folder = Path.Combine(Path.GetTempPath(), "medexplain-bench-" + name);
        Directory.CreateDirectory(folder);
        string source = DemoModels.Path(model);
        string copy = Path.Combine(folder, model + ".onnx");
        ModelProto proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(source));
        foreach (TensorShapeProto.Types.Dimension dim in proto.Graph.Input[0].Type.TensorType.Shape.Dim.Skip(2))
        {
            dim.DimParam = "spatial"; // free the spatial size so the same weights run at the larger one
        }

        proto.Graph.ValueInfo.Clear();
        File.WriteAllBytes(copy, proto.ToByteArray());
        JsonNode card = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(source, null) + ".card.json"))!;
        card["input"]!["spatialSize"] = new JsonArray([.. spatial.Select(d => JsonValue.Create(d))]);
        File.WriteAllText(Path.Combine(folder, model + ".card.json"), card.ToJsonString());
        return new ModelVariant(folder, OnnxModel.Load(copy));
    }

    public FloatTensor RandomInput(int seed)
    {
        var random = new Random(seed);
        var input = new FloatTensor(Model.Card!.InputShape(1));
        for (int i = 0; i < input.Data.Length; i++)
        {
            input.Data[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return input;
    }

    public void Dispose()
    {
        Model.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
