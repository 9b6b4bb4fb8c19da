namespace MedExplain.Methods;

/// <summary>An attribution map for each input item, with what it explains.</summary>
/// <param name="Method">The method's kebab-case name.</param>
/// <param name="Values">The map, shaped like the inputs (CAM maps: per the method's resolution).</param>
/// <param name="TargetClasses">The class each item's map explains.</param>
/// <param name="TargetScores">That class's pre-softmax score for each item.</param>
/// <param name="Diagnostics">Per-item figures the method reports, such as Integrated Gradients' completeness gap.</param>
public sealed record Attribution(
    string Method,
    FloatTensor Values,
    IReadOnlyList<int> TargetClasses,
    IReadOnlyList<float> TargetScores,
    IReadOnlyDictionary<string, float[]> Diagnostics);
