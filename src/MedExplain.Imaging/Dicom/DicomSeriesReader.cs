using System.Globalization;
using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.IO;

namespace MedExplain.Imaging.Dicom;

/// <summary>Reads a folder of DICOM slices as one volume, sorted by position along the slice normal (PS3.3 C.7.6.2).</summary>
public static class DicomSeriesReader
{
    /// <summary>Lists the image series in a folder (headers only).</summary>
    /// <param name="folder">The folder; files that are not DICOM are ignored.</param>
    public static IReadOnlyList<DicomSeriesSummary> Scan(string folder) =>
        [.. Headers(folder, withPixels: false).GroupBy(h => h.SeriesUid).Select(g => new DicomSeriesSummary(
            g.Key, g.First().File.Dataset.Text(DicomTag.Modality), g.Count()))
            .OrderBy(s => s.SeriesInstanceUid, StringComparer.Ordinal)];

    /// <summary>Reads one series as a volume: i = column, j = row, k = slice in order along the normal.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="seriesInstanceUid">Which series when the folder holds several; null when it holds one.</param>
    /// <exception cref="MedExplainInputException">No images, several series and none chosen, or slices that do not form a volume.</exception>
    public static MedicalImage Read(string folder, string? seriesInstanceUid = null)
    {
        List<SliceHeader> headers = Headers(folder, withPixels: true);
        string[] series = [.. headers.Select(h => h.SeriesUid).Distinct().Order(StringComparer.Ordinal)];
        if (series.Length == 0)
        {
            throw new MedExplainInputException(folder, "holds no DICOM image files.");
        }

        string chosen = seriesInstanceUid ?? (series.Length == 1 ? series[0]
            : throw new MedExplainInputException(folder, $"holds {series.Length} series; choose one by its Series Instance UID: {string.Join(", ", Scan(folder).Select(s => s.ToString()))}."));
        var warnings = new List<string>();
        List<SliceHeader> slices = Volume([.. headers.Where(h => h.SeriesUid == chosen)], folder, chosen, warnings);
        return Assemble(slices, folder, warnings);
    }

    private static List<SliceHeader> Headers(string folder, bool withPixels)
    {
        if (!Directory.Exists(folder))
        {
            throw new MedExplainInputException(folder, "folder not found.");
        }

        // Files are read and parsed in parallel; reading is most of the cost of a series.
        string[] candidates = [.. Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).Where(DicomFile.HasDicomMagic)];
        var parsed = new SliceHeader?[candidates.Length];
        ParallelWork.For(candidates.Length, n =>
        {
            DicomFile file = DicomFile.Read(candidates[n], stopAtPixelData: !withPixels);
            parsed[n] = file.Dataset.Contains(DicomTag.Rows)
                ? new SliceHeader(candidates[n], file, file.Dataset.Text(DicomTag.SeriesInstanceUid) ?? "(no series UID)", DicomGeometry.Read(file.Dataset, []))
                : null;
        });
        List<SliceHeader> headers = [.. parsed.OfType<SliceHeader>()];
        return headers;
    }

    /// <summary>Keeps the slices of the main stack (drops localizers and other orientations), sorted along the normal.</summary>
    private static List<SliceHeader> Volume(List<SliceHeader> slices, string folder, string series, List<string> warnings)
    {
        int localizers = slices.RemoveAll(s => s.File.Dataset.Texts(DicomTag.ImageType).Contains("LOCALIZER"));
        if (localizers > 0)
        {
            warnings.Add($"left out {localizers} localizer image(s).");
        }

        IGrouping<string, SliceHeader> main = slices.GroupBy(OrientationKey).OrderByDescending(g => g.Count()).First();
        if (main.Count() < slices.Count)
        {
            warnings.Add($"left out {slices.Count - main.Count()} image(s) with another orientation or size.");
        }

        Vector3d normal = main.First().Geometry.Normal;
        List<SliceHeader> sorted = [.. main.OrderBy(s => s.Geometry.Along(normal))];
        for (int n = 1; n < sorted.Count; n++)
        {
            if (Math.Abs(sorted[n].Geometry.Along(normal) - sorted[n - 1].Geometry.Along(normal)) < 1e-3)
            {
                throw new MedExplainInputException(folder, $"series {series} has several images at one position ({Path.GetFileName(sorted[n - 1].Path)} and {Path.GetFileName(sorted[n].Path)}): multi-echo, dynamic or diffusion series are not read as one volume.");
            }
        }

        DicomGeometry.CheckStack([.. sorted.Select(s => s.Geometry)], warnings);
        return sorted;
    }

    private static string OrientationKey(SliceHeader s)
    {
        DicomDataset d = s.File.Dataset;
        return string.Create(CultureInfo.InvariantCulture, $"{s.Geometry.RowDirection.X:0.000},{s.Geometry.RowDirection.Y:0.000},{s.Geometry.RowDirection.Z:0.000},{s.Geometry.ColumnDirection.X:0.000},{s.Geometry.ColumnDirection.Y:0.000},{s.Geometry.ColumnDirection.Z:0.000},{d.UnsignedShort(DicomTag.Rows)},{d.UnsignedShort(DicomTag.Columns)}");
    }

    private static MedicalImage Assemble(List<SliceHeader> slices, string folder, List<string> warnings)
    {
        PixelModule[] modules = [.. slices.Select(s => DicomPixelDecoder.ReadModule(s.File))];
        PixelModule first = modules[0];
        if (modules.Any(m => m.Frames != 1 || m.SamplesPerPixel != first.SamplesPerPixel || m.Rows != first.Rows || m.Columns != first.Columns))
        {
            throw new MedExplainInputException(folder, "has slices of different sizes or multi-frame files; they do not form one volume.");
        }

        // Each slice decodes straight into its place in the volume (channel planes stay outermost), with its own rescale.
        int perSlice = first.Rows * first.Columns, channels = first.SamplesPerPixel, count = slices.Count;
        float[] voxels = MemoryLimit.NewFloats((long)perSlice * count * channels, folder, "the volume");
        string photometric = first.Photometric;
        ParallelWork.For(count, k =>
        {
            DicomFile file = slices[k].File;
            if (channels == 1)
            {
                Span<float> slab = voxels.AsSpan(k * perSlice, perSlice);
                photometric = DicomPixelDecoder.DecodeInto(file, modules[k], slab);
                DicomImageReader.ModalityTransform(file.Dataset, modules[k], file.Path).Apply(slab);
                return;
            }

            var colour = new float[perSlice * channels];
            photometric = DicomPixelDecoder.DecodeInto(file, modules[k], colour);
            for (int c = 0; c < channels; c++)
            {
                colour.AsSpan(c * perSlice, perSlice).CopyTo(voxels.AsSpan(((c * count) + k) * perSlice, perSlice));
            }
        });

        DicomGeometry geometry = slices[0].Geometry;
        Vector3d step = DicomGeometry.SliceStep([.. slices.Select(s => s.Geometry)], slices[0].File.Dataset.Number(DicomTag.SliceThickness, 1));
        ImageMetadata metadata = DicomImageReader.Metadata(slices[0].File, first, photometric, [.. warnings, .. slices[0].File.Warnings]) with
        {
            Source = folder,
            FileDims = [first.Columns, first.Rows, count],
        };
        if (slices.Select(s => DicomImageReader.ModalityTransform(s.File.Dataset, modules[0], s.Path)).Select(t => (t.Slope, t.Intercept)).Distinct().Count() > 1)
        {
            metadata = metadata with { Warnings = [.. metadata.Warnings, "slices have different rescale slopes or intercepts (applied per slice)."] };
        }

        return new MedicalImage([first.Columns, first.Rows, count], channels, voxels, geometry.ToRas(step), metadata);
    }

    private sealed record SliceHeader(string Path, DicomFile File, string SeriesUid, DicomGeometry Geometry);
}

/// <summary>One series found in a folder.</summary>
/// <param name="SeriesInstanceUid">The series UID.</param>
/// <param name="Modality">The modality, if given.</param>
/// <param name="Images">How many image files it has.</param>
/// <remarks>No description: it is free text that may name the patient.</remarks>
public sealed record DicomSeriesSummary(string SeriesInstanceUid, string? Modality, int Images)
{
    /// <inheritdoc/>
    public override string ToString() => $"{SeriesInstanceUid} ({Modality ?? "?"}, {Images} images)";
}
