using System.Globalization;
using MedExplain.Imaging.Rendering;
using SkiaSharp;

namespace MedExplain.Imaging.Dicom.Writing;

/// <summary>
/// An attribution map as a DICOM Secondary Capture series that every PACS displays: one RGB image per slice of the
/// scan, the map burned onto the windowed slice, enlarged to be legible and topped by a banner that says it is not for
/// diagnosis and what it shows. A DICOM scan's slices keep their own pixel order, so they match the source series side
/// by side; other scans with geometry are drawn axially in the radiological convention, as MedExplain's figures are.
/// Filed in the source's study (see <see cref="DicomFilingAttributes"/>), in a new series.
/// </summary>
public static class SecondaryCaptureSeries
{
    private const string SopClass = "1.2.840.10008.5.1.4.1.1.7";
    private const int Banner = 40, MinimumSide = 512;
    private const string NotForDiagnosis = " (MedExplain, not for diagnosis)";

    /// <summary>Writes the series; returns its files, first slice first.</summary>
    /// <param name="folder">Where to write (created if missing); files are named IM0001.dcm, IM0002.dcm…</param>
    /// <param name="scan">The scan (its first channel is shown).</param>
    /// <param name="map">The map on the scan's grid.</param>
    /// <param name="scale">The map's colours.</param>
    /// <param name="description">What the map is, for the banner and Series Description ("grad-cam map of model X").</param>
    /// <param name="source">The source's filing attributes, or null for a scan that is not DICOM.</param>
    public static IReadOnlyList<string> Write(string folder, MedicalImage scan, float[] map, ColourScale scale, string description, DicomFilingAttributes? source)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(description);
        Directory.CreateDirectory(folder);
        float[] values = scan.Voxels[..scan.VoxelsPerChannel];
        DisplayWindow? window = scan.Metadata.Windows.Count > 0 ? scan.Metadata.Windows[0] : null;
        float[] gray = Windowing.ToGray(values, window, invert: scan.Metadata.Photometric == "MONOCHROME1");
        SliceView? view = scan.Metadata.Format != "DICOM" && scan.Metadata.HasGeometry ? new SliceView(scan) : null;
        float[] shownGray = view?.Orient(gray) ?? gray, shownMap = view?.Orient(map) ?? map;
        int slices = view?.Dims[2] ?? scan.Dims[2];
        (float[] Gray, float[] Map, int Width, int Height, double SpacingX, double SpacingY) Slice(int k)
        {
            if (view is not null)
            {
                (float[] g, int w, int h, double sx, double sy) = view.Cut(shownGray, Plane.Axial, k);
                return (g, view.Cut(shownMap, Plane.Axial, k).Pixels, w, h, sx, sy);
            }

            int plane = scan.Dims[0] * scan.Dims[1];
            return (shownGray[(k * plane)..((k + 1) * plane)], shownMap[(k * plane)..((k + 1) * plane)], scan.Dims[0], scan.Dims[1], scan.Spacing[0], scan.Spacing[1]);
        }

        string study = source?.StudyInstanceUid ?? DicomUids.New(), series = DicomUids.New();
        var files = new List<string>();
        for (int k = 0; k < slices; k++)
        {
            (float[] sliceGray, float[] sliceMap, int width, int height, double sx, double sy) = Slice(k);
            using SKBitmap slice = Overlay.RenderGray(sliceGray, sliceMap, width, height, scale.Max, scale.Diverging);
            using SKBitmap picture = Annotated(slice, sx, sy, [$"NOT FOR DIAGNOSIS - {description}", $"slice {k + 1} of {slices}; colour {scale.Range}"]);
            string instance = DicomUids.New();
            var dataset = new DicomDatasetWriter()
                .Text(DicomTag.SopClassUid, "UI", SopClass)
                .Text(new DicomTag(0x0008, 0x0018), "UI", instance)
                .Text(DicomTag.ImageType, "CS", "DERIVED\\SECONDARY")
                .Text(DicomTag.Modality, "CS", "OT")
                .Text(new DicomTag(0x0008, 0x0064), "CS", "WSD")
                .Text(new DicomTag(0x0008, 0x0070), "LO", "MedExplain")
                .Text(DicomTag.SeriesDescription, "LO", Clip(description, 64 - NotForDiagnosis.Length) + NotForDiagnosis)
                .Text(new DicomTag(0x0008, 0x2111), "ST", $"Attribution map burned onto the windowed scan by MedExplain: {description}. Not for diagnosis.")
                .Text(new DicomTag(0x0018, 0x1016), "LO", "MedExplain")
                .Text(new DicomTag(0x0018, 0x1019), "LO", typeof(SecondaryCaptureSeries).Assembly.GetName().Version?.ToString() ?? "0")
                .Text(DicomTag.SeriesInstanceUid, "UI", series)
                .Text(new DicomTag(0x0020, 0x0011), "IS", "9901")
                .Text(DicomTag.InstanceNumber, "IS", (k + 1).ToString(CultureInfo.InvariantCulture))
                .Text(new DicomTag(0x0020, 0x0020), "CS", null)
                .Text(new DicomTag(0x0020, 0x0060), "CS", null) // Type 2C: validators cannot tell whether the part is paired
                .UnsignedShort(DicomTag.SamplesPerPixel, 3)
                .Text(DicomTag.PhotometricInterpretation, "CS", "RGB")
                .UnsignedShort(DicomTag.PlanarConfiguration, 0)
                .UnsignedShort(DicomTag.Rows, (ushort)picture.Height)
                .UnsignedShort(DicomTag.Columns, (ushort)picture.Width)
                .UnsignedShort(DicomTag.BitsAllocated, 8)
                .UnsignedShort(DicomTag.BitsStored, 8)
                .UnsignedShort(DicomTag.HighBit, 7)
                .UnsignedShort(DicomTag.PixelRepresentation, 0)
                .Text(new DicomTag(0x0028, 0x0301), "CS", "YES")
                .Binary(DicomTag.PixelData, "OB", Rgb(picture));
            DicomFilingAttributes.WriteInto(dataset, source, study);
            string path = Path.Combine(folder, $"IM{k + 1:D4}.dcm");
            DicomDatasetWriter.WriteFile(path, dataset, SopClass, instance);
            files.Add(path);
        }

        return files;
    }

    /// <summary>The slice at its physical aspect, enlarged to at least 512 pixels on its long side, under a banner.</summary>
    private static SKBitmap Annotated(SKBitmap slice, double spacingX, double spacingY, string[] lines)
    {
        double physicalW = slice.Width * spacingX, physicalH = slice.Height * spacingY;
        double fit = Math.Max(MinimumSide, Math.Max(slice.Width, slice.Height)) / Math.Max(physicalW, physicalH);
        int w = (int)Math.Round(physicalW * fit), h = (int)Math.Round(physicalH * fit);
        var picture = new SKBitmap(w, h + Banner, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var canvas = new SKCanvas(picture);
        canvas.Clear(SKColors.Black);
        using SKImage image = SKImage.FromBitmap(slice);
        canvas.DrawImage(image, SKRect.Create(0, Banner, w, h), new SKSamplingOptions(SKFilterMode.Nearest));
        using SKFont font = LabelFont.Create(LabelFont.Smallest);
        using var ink = new SKPaint { Color = new SKColor(255, 220, 80), IsAntialias = true };
        for (int l = 0; l < lines.Length; l++)
        {
            canvas.DrawText(lines[l], 6, 16 + (l * 17), SKTextAlign.Left, font, ink);
        }

        return picture;
    }

    private static byte[] Rgb(SKBitmap picture)
    {
        ReadOnlySpan<byte> rgba = picture.GetPixelSpan();
        var rgb = new byte[picture.Width * picture.Height * 3];
        for (int n = 0; n < picture.Width * picture.Height; n++)
        {
            rgb[3 * n] = rgba[4 * n];
            rgb[(3 * n) + 1] = rgba[(4 * n) + 1];
            rgb[(3 * n) + 2] = rgba[(4 * n) + 2];
        }

        return rgb;
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length];
}
