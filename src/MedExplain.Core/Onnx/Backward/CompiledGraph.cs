using Onnx;

namespace MedExplain.Onnx.Backward;

/// <summary>A model with its backward pass appended: (input, seed) → (model outputs, backward signals, activations).</summary>
/// <param name="Model">The compiled ONNX model, standard ops only; save it to run it anywhere.</param>
/// <param name="InputName">The image input.</param>
/// <param name="InputShape">The concrete input shape it was compiled for.</param>
/// <param name="SeedName">The seed input, shaped like the target output.</param>
/// <param name="SeedShape">The seed's shape.</param>
/// <param name="SignalOutputs">For each requested tensor, the output holding its backward signal.</param>
public sealed record CompiledGraph(
    ModelProto Model,
    string InputName,
    int[] InputShape,
    string SeedName,
    int[] SeedShape,
    IReadOnlyDictionary<string, string> SignalOutputs)
{
    /// <summary>The prefix of every backward-signal output's name.</summary>
    public const string SignalPrefix = "signal:";

    /// <summary>Gets the reference input (DeepLIFT rule sets), shaped like the image input, or null.</summary>
    public string? ReferenceName { get; init; }
}
