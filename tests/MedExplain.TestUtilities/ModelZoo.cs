namespace MedExplain.TestUtilities;

/// <summary>The model zoo of tools/model_zoo: small seeded models exported by torch at several opsets, with their
/// torch-autograd gradients (NAME.onnx is opset 17, NAME.opsetNN.onnx the others; the arrays are shared).</summary>
public static class ModelZoo
{
    /// <summary>Every exported model file, by file name, in a stable order.</summary>
    public static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(RepoPaths.TestData("zoo"), "*.onnx").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    /// <summary>The model's name without the opset suffix: "resnet-bn-folded.opset13.onnx" → "resnet-bn-folded".</summary>
    /// <param name="file">A zoo file name.</param>
    public static string NameOf(string file) => Path.GetFileNameWithoutExtension(file).Split(".opset")[0];
}
