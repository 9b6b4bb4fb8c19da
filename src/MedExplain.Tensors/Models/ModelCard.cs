namespace MedExplain.Models;

/// <summary>What a model expects and what it was validated on, read from the <c>.card.json</c> file beside it.</summary>
/// <remarks>The schema is documented in docs/model-card.md.</remarks>
public sealed record ModelCard
{
    /// <summary>Gets the file the card was read from (empty for a card made in code).</summary>
    public string SourcePath { get; init; } = string.Empty;

    /// <summary>Gets the model's short name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets a sentence saying what the model does.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Gets the name of the graph input the image goes into, or null for the first input.</summary>
    public string? InputName { get; init; }

    /// <summary>Gets the input layout.</summary>
    public required InputLayout Layout { get; init; }

    /// <summary>Gets the number of input channels.</summary>
    public required int Channels { get; init; }

    /// <summary>Gets the spatial size: (height, width) or (depth, height, width).</summary>
    public required IReadOnlyList<int> SpatialSize { get; init; }

    /// <summary>Gets the intensity normalisation applied before the model.</summary>
    public IntensityNormalization Normalization { get; init; } = IntensityNormalization.None;

    /// <summary>Gets where the model's array axes point in the patient, fastest first (W, H, D), such as "RPS"; null to take arrays as they come.</summary>
    /// <remarks>Scans with geometry (DICOM, NIfTI) are reoriented to it before they go in, and maps are oriented back.</remarks>
    public string? Orientation { get; init; }

    /// <summary>Gets the name of the graph output holding the class scores, or null for the first output.</summary>
    public string? OutputName { get; init; }

    /// <summary>Gets a value indicating whether the output is already probabilities rather than logits.</summary>
    public bool OutputIsProbabilities { get; init; }

    /// <summary>Gets the class names, in output order.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Gets the default activation for CAM methods, or null to use the detected candidate.</summary>
    public string? CamLayer { get; init; }

    /// <summary>Gets the attribution methods recommended for this model, by their kebab-case names.</summary>
    public IReadOnlyList<string> RecommendedMethods { get; init; } = [];

    /// <summary>Gets a vision transformer's token layout, when the card states it (attention methods otherwise infer it
    /// from the patch embedding).</summary>
    public TokenLayout? Tokens { get; init; }

    /// <summary>Gets where MC dropout drops values when the caller names no tensor, if the card says.</summary>
    public DropoutSite? Dropout { get; init; }

    /// <summary>Gets the evaluation figures the training script measured (such as heldOutAccuracy).</summary>
    public IReadOnlyDictionary<string, double> Evaluation { get; init; } = new Dictionary<string, double>();

    /// <summary>Gets the full input shape for a batch of <paramref name="batch"/> items.</summary>
    /// <param name="batch">The number of items.</param>
    public int[] InputShape(int batch) => [batch, Channels, .. SpatialSize];
}
