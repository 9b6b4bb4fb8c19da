using MedExplain.Imaging;
using MedExplain.Imaging.Dicom;
using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Nifti;

namespace MedExplain.Cli.Reports;

/// <summary>What <c>image-info</c> reports. Its JSON keys are a stable contract: scripts rely on them, so add keys but never rename them.</summary>
/// <remarks>
/// dims: voxel counts in NIfTI index order (i, j, k, then t…); for DICOM i = column, j = row, k = frame or slice.
/// affine: 4×4 row-major, voxel index to world millimetres in RAS+ (DICOM's LPS converted).
/// Statistics cover every voxel (every volume, every colour sample) after the rescale or modality LUT, before any window.
/// </remarks>
internal sealed record ImageInfo(
    string Source,
    string Format,
    IReadOnlyList<long> Dims,
    int Channels,
    IReadOnlyList<double> Spacing,
    IReadOnlyList<IReadOnlyList<double>> Affine,
    string Orientation,
    string? Modality,
    string DataType,
    string? TransferSyntax,
    string? Photometric,
    long? VoxelCount,
    double? Min,
    double? Max,
    double? Mean,
    double? Sum,
    IReadOnlyList<DisplayWindow> Windows,
    IReadOnlyDictionary<string, string> Properties,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Gets the file's free-text fields: never in the JSON, on the console only when asked (--show-descriptions).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, string> FreeText { get; init; } = new Dictionary<string, string>();

    public static ImageInfo Of(string path, ImageReadOptions options)
    {
        MedicalImage image;
        try
        {
            image = MedicalImageReader.Read(path, options);
        }
        catch (MedExplainInputException e) when (e.Problem.Contains("is not supported", StringComparison.Ordinal) && File.Exists(path) && DicomFile.HasDicomMagic(path))
        {
            // The header is still worth showing when only the pixel codec is missing; statistics are then null.
            return HeaderOnly(path, e.Problem);
        }

        var statistics = new VoxelStatistics();
        statistics.Add(image.Voxels);
        int volumes = image.Metadata.Format.StartsWith("NIfTI", StringComparison.Ordinal)
            ? (int)image.Metadata.FileDims.Skip(3).Aggregate(1L, (a, b) => a * b) : 1;
        for (int volume = 0; volume < volumes; volume++)
        {
            if (volume != options.Volume)
            {
                statistics.Add(NiftiReader.Read(path, volume).Voxels);
            }
        }

        return new ImageInfo(
            image.Metadata.Source,
            image.Metadata.Format,
            image.Metadata.FileDims,
            image.Channels,
            image.Spacing,
            Rows(image.Affine),
            image.Affine.AxisCodes,
            image.Metadata.Modality,
            image.Metadata.DataType,
            image.Metadata.TransferSyntax,
            image.Metadata.Photometric,
            statistics.Count,
            statistics.Min,
            statistics.Max,
            statistics.Mean,
            statistics.Sum,
            image.Metadata.Windows,
            image.Metadata.Properties,
            image.Metadata.Warnings)
        {
            FreeText = image.Metadata.FreeText,
        };
    }

    private static ImageInfo HeaderOnly(string path, string problem)
    {
        (int[] dims, int channels, Affine affine, ImageMetadata metadata) = DicomImageReader.ReadHeader(path);
        return new ImageInfo(
            path, metadata.Format, metadata.FileDims, channels, affine.Spacing, Rows(affine), affine.AxisCodes, metadata.Modality, metadata.DataType,
            metadata.TransferSyntax, metadata.Photometric, null, null, null, null, null, metadata.Windows, metadata.Properties,
            [.. metadata.Warnings, $"pixels not decoded: {problem}"])
        {
            FreeText = metadata.FreeText,
        };
    }

    private static IReadOnlyList<IReadOnlyList<double>> Rows(Affine affine) =>
        [.. Enumerable.Range(0, 4).Select(r => (IReadOnlyList<double>)[.. Enumerable.Range(0, 4).Select(c => affine[r, c])])];

    public void WriteText(TextWriter w, bool showFreeText = false)
    {
        w.WriteLine($"{Source}");
        w.WriteLine($"  format       {Format}{(TransferSyntax is null ? string.Empty : $", transfer syntax {TransferSyntax}")}");
        w.WriteLine($"  dims         {string.Join(" × ", Dims)}{(Channels > 1 ? $" × {Channels} samples ({Photometric})" : string.Empty)}");
        w.WriteLine($"  data type    {DataType}{(Modality is null ? string.Empty : $", modality {Modality}")}");
        w.WriteLine($"  spacing      {string.Join(" × ", Spacing.Select(s => s.ToString("0.####")))} mm");
        w.WriteLine($"  orientation  {Orientation} (RAS+ affine below)");
        foreach (IReadOnlyList<double> row in Affine.Take(3))
        {
            w.WriteLine($"               {string.Join("  ", row.Select(v => v.ToString("0.####").PadLeft(10)))}");
        }

        w.WriteLine(VoxelCount is null ? "  voxels       not decoded" : $"  voxels       {VoxelCount}: min {Min:0.####}, max {Max:0.####}, mean {Mean:0.####}, sum {Sum:0.####}");
        foreach (DisplayWindow window in Windows)
        {
            w.WriteLine($"  window       centre {window.Center}, width {window.Width}");
        }

        foreach ((string key, string value) in Properties)
        {
            w.WriteLine($"  {key,-12} {value}");
        }

        foreach (string warning in Warnings)
        {
            w.WriteLine($"  note: {warning}");
        }

        if (showFreeText)
        {
            w.WriteLine(FreeText.Count == 0 ? "  free text    none" : "  free text (as the file has it; may name people, do not copy it into reports):");
            foreach ((string key, string value) in FreeText)
            {
                w.WriteLine($"    {key,-22} {value}");
            }
        }
    }
}
