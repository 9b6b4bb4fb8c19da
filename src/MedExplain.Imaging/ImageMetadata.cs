namespace MedExplain.Imaging;

/// <summary>What a reader learned about a scan besides its voxels; never patient identity.</summary>
public sealed record ImageMetadata
{
    /// <summary>Gets the format read, such as "NIfTI-1", "DICOM" or "PNG".</summary>
    public required string Format { get; init; }

    /// <summary>Gets the file or folder read.</summary>
    public required string Source { get; init; }

    /// <summary>Gets the modality (DICOM's code such as CT or MR), or null when the format does not say.</summary>
    public string? Modality { get; init; }

    /// <summary>Gets the stored sample type, such as "int16", "uint8" or "float32".</summary>
    public required string DataType { get; init; }

    /// <summary>Gets the dimensions as the file stores them (i, j, k, then t… for NIfTI), before a volume was picked.</summary>
    public IReadOnlyList<long> FileDims { get; init; } = [];

    /// <summary>Gets the display windows the file recommends, first one the default.</summary>
    public IReadOnlyList<DisplayWindow> Windows { get; init; } = [];

    /// <summary>Gets the DICOM transfer syntax UID, or null.</summary>
    public string? TransferSyntax { get; init; }

    /// <summary>Gets the DICOM photometric interpretation, or null.</summary>
    public string? Photometric { get; init; }

    /// <summary>Gets a value indicating whether the format records where voxels lie (DICOM, NIfTI); NPY and PNG do not, so they are never reoriented.</summary>
    public bool HasGeometry { get; init; } = true;

    /// <summary>Gets the NIfTI orientation code of the affine (1 scanner, 2 aligned, 3 Talairach, 4 MNI), 0 when unknown.</summary>
    public int WorldCode { get; init; } = 1;

    /// <summary>Gets further non-identifying fields worth showing (acquisition parameters, coded values).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the free-text fields the file carries (DICOM Series Description, Manufacturer's Model Name and window
    /// names; the NIfTI description). Sites write names into them, so no output, report or message shows them; only a
    /// user who asks sees them on the console (docs/privacy.md).</summary>
    public IReadOnlyDictionary<string, string> FreeText { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets what the reader noticed and could live with (no orientation, non-uniform slice spacing…).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>A display window: values from centre − width/2 to centre + width/2 span black to white.</summary>
/// <param name="Center">The window centre (level).</param>
/// <param name="Width">The window width, greater than 0.</param>
/// <param name="Label">How MedExplain chose it (such as the percentile window), or null; never the file's own window
/// name, which is free text (<see cref="ImageMetadata.FreeText"/>).</param>
public sealed record DisplayWindow(double Center, double Width, string? Label = null);
