namespace MedExplain.Models;

/// <summary>The intensity normalisation a model card declares.</summary>
/// <param name="Kind">Which transform.</param>
/// <param name="Mean">For <see cref="NormalizationKind.ZScore"/>: a fixed mean, or null for each image's own.</param>
/// <param name="StandardDeviation">For <see cref="NormalizationKind.ZScore"/>: a fixed standard deviation, or null.</param>
/// <param name="Center">For <see cref="NormalizationKind.Window"/>: the window centre (level).</param>
/// <param name="Width">For <see cref="NormalizationKind.Window"/>: the window width, greater than 0.</param>
public sealed record IntensityNormalization(
    NormalizationKind Kind,
    double? Mean = null,
    double? StandardDeviation = null,
    double? Center = null,
    double? Width = null)
{
    /// <summary>Gets the identity normalisation.</summary>
    public static IntensityNormalization None { get; } = new(NormalizationKind.None);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        NormalizationKind.ZScore when Mean.HasValue => $"z-score (mean {Mean}, sd {StandardDeviation})",
        NormalizationKind.ZScore => "z-score per image",
        NormalizationKind.MinMax => "min-max per image to [0, 1]",
        NormalizationKind.Window => $"window centre {Center}, width {Width}, to [0, 1]",
        _ => "none",
    };
}
