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
    IReadOnlyDictionary<Diagnostic, float[]> Diagnostics)
{
    /// <summary>Gets, for region-level methods, each item's regions with their scores (and standard errors where sampled); else null.</summary>
    public IReadOnlyList<IReadOnlyList<RegionScore>>? Regions { get; init; }

    /// <summary>Gets what the method warns of about this run (too few samples for the features), for every surface to show.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>One region's attribution.</summary>
/// <param name="Label">The region's label in the feature mask.</param>
/// <param name="Score">Its attribution (the same value every voxel of it gets in the map).</param>
/// <param name="StandardError">The standard error of a sampled estimate, or null for exact ones.</param>
/// <param name="Voxels">How many elements of the input it covers.</param>
public sealed record RegionScore(int Label, double Score, double? StandardError, int Voxels);
