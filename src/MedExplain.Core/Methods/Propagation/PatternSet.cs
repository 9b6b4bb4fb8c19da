namespace MedExplain.Methods.Propagation;

/// <summary>The signal patterns of a model's linear layers (PatternNet), each shaped like the layer's weights, by node name.</summary>
/// <param name="Patterns">Node name → pattern.</param>
/// <param name="Samples">How many samples (positions × items with positive output) each layer's estimate used.</param>
public sealed record PatternSet(IReadOnlyDictionary<string, FloatTensor> Patterns, IReadOnlyDictionary<string, long> Samples);
