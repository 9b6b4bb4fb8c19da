using System.Buffers.Binary;
using System.Globalization;
using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Rendering;

namespace MedExplain.Imaging.Dicom.Writing;

/// <summary>
/// An attribution map as a DICOM Parametric Map (PS3.3 A.75): the float values themselves, one frame per slice of the
/// scan on the scan's own grid and frame of reference, with a Real World Value Mapping that says what they are. Viewers
/// that know the object (OHIF, 3D Slicer) overlay it on the source series voxel for voxel.
/// </summary>
public static class ParametricMapWriter
{
    private const string SopClass = "1.2.840.10008.5.1.4.1.1.30";
    private const string ImageType = "DERIVED\\PRIMARY\\ATTRIBUTION\\NONE";
    private const string NotForDiagnosis = " (MedExplain, not for diagnosis)";

    /// <summary>Writes the object; returns its path.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="scan">The scan whose grid the map is on (its geometry places the frames).</param>
    /// <param name="map">The map on the scan's grid.</param>
    /// <param name="method">The method that made the map, for the content label and the value mapping.</param>
    /// <param name="scale">The map's colours: the palette (diverging or sequential, as MedExplain's figures) and the
    /// window that spreads it over the values.</param>
    /// <param name="description">What the map is, for the series description.</param>
    /// <param name="source">The source's filing attributes, or null for a scan that is not DICOM.</param>
    /// <param name="created">When the map was made (Content Date and Time; the library does not read the clock).</param>
    /// <exception cref="MedExplainInputException">The scan has no geometry to place the frames by.</exception>
    public static string Write(string path, MedicalImage scan, float[] map, string method, ColourScale scale, string description, DicomFilingAttributes? source, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(description);
        if (!scan.Metadata.HasGeometry)
        {
            // A Parametric Map states where each frame lies; a PNG or NPY scan does not say, so any position would be made up.
            throw new MedExplainInputException(scan.Metadata.Source, "has no position in space (PNG, NPY), so its map cannot become a Parametric Map, which viewers place on the scan by geometry; the Secondary Capture series needs none.");
        }

        if (map.Length != scan.VoxelsPerChannel)
        {
            throw new ArgumentException($"The map holds {map.Length} values for a scan of {scan.VoxelsPerChannel} voxels.", nameof(map));
        }

        int columns = scan.Dims[0], rows = scan.Dims[1], frames = scan.Dims[2];
        string instance = DicomUids.New(), series = DicomUids.New(), study = source?.StudyInstanceUid ?? DicomUids.New();
        string frameOfReference = source?.FrameOfReferenceUid ?? DicomUids.New(), dimensions = DicomUids.New();

        // LPS geometry of the scan's grid: DICOM's row direction is i, its column direction j.
        Affine affine = scan.Affine;
        Vector3d i = Lps(affine.Column(0)), j = Lps(affine.Column(1));
        double columnSpacing = i.Length, rowSpacing = j.Length, sliceStep = Lps(affine.Column(2)).Length;
        string orientation = Ds(i.Normalized.X, i.Normalized.Y, i.Normalized.Z, j.Normalized.X, j.Normalized.Y, j.Normalized.Z);
        var shared = new DicomDatasetWriter()
            .Sequence(DicomTag.PixelMeasures, new DicomDatasetWriter()
                .Text(DicomTag.PixelSpacing, "DS", Ds(rowSpacing, columnSpacing))
                .Text(DicomTag.SliceThickness, "DS", Ds(sliceStep))
                .Text(DicomTag.SpacingBetweenSlices, "DS", Ds(sliceStep)))
            .Sequence(DicomTag.PlaneOrientation, new DicomDatasetWriter().Text(DicomTag.ImageOrientationPatient, "DS", orientation))
            .Sequence(new DicomTag(0x0040, 0x9096), RealWorldValueMapping(map, method))
            .Sequence(new DicomTag(0x0040, 0x9092), new DicomDatasetWriter().Text(new DicomTag(0x0008, 0x9007), "CS", ImageType))
            .Sequence(new DicomTag(0x0028, 0x9132), new DicomDatasetWriter() // the window the palette spans: the scale's range
                .Text(DicomTag.WindowCenter, "DS", Ds(scale.Diverging ? 0 : scale.Max / 2))
                .Text(DicomTag.WindowWidth, "DS", Ds(scale.Diverging ? 2 * scale.Max : scale.Max))
                .Text(new DicomTag(0x0028, 0x1056), "CS", "LINEAR_EXACT")) // maps of small values have windows under 1
            .Sequence(DicomTag.PixelValueTransformation, new DicomDatasetWriter() // identity: the values are the map's
                .Text(DicomTag.RescaleIntercept, "DS", "0")
                .Text(DicomTag.RescaleSlope, "DS", "1")
                .Text(DicomTag.RescaleType, "LO", "US"));
        var perFrame = new DicomDatasetWriter[frames];
        for (int k = 0; k < frames; k++)
        {
            Vector3d position = Lps(affine.Apply(0, 0, k));
            perFrame[k] = new DicomDatasetWriter()
                .Sequence(DicomTag.FrameContent, new DicomDatasetWriter().Binary(new DicomTag(0x0020, 0x9157), "UL", UnsignedLong((uint)(k + 1))))
                .Sequence(DicomTag.PlanePosition, new DicomDatasetWriter().Text(DicomTag.ImagePositionPatient, "DS", Ds(position.X, position.Y, position.Z)));
        }

        var dataset = new DicomDatasetWriter()
            .Text(DicomTag.ImageType, "CS", ImageType)
            .Text(new DicomTag(0x0008, 0x0023), "DA", created.ToString("yyyyMMdd", CultureInfo.InvariantCulture))
            .Text(new DicomTag(0x0008, 0x0033), "TM", created.ToString("HHmmss", CultureInfo.InvariantCulture))
            .Text(new DicomTag(0x0018, 0x9004), "CS", "RESEARCH")
            .Text(new DicomTag(0x0028, 0x0302), "CS", "NO")
            .Text(DicomTag.SopClassUid, "UI", SopClass)
            .Text(new DicomTag(0x0008, 0x0018), "UI", instance)
            .Text(DicomTag.Modality, "CS", scan.Metadata.Modality is { Length: > 0 } modality && scan.Metadata.Format == "DICOM" ? modality : "OT")
            .Text(new DicomTag(0x0008, 0x0070), "LO", "MedExplain")
            .Text(new DicomTag(0x0008, 0x1090), "LO", "MedExplain")
            .Text(DicomTag.SeriesDescription, "LO", Clip(description, 64 - NotForDiagnosis.Length) + NotForDiagnosis)
            .Text(new DicomTag(0x0018, 0x1000), "LO", "0")
            .Text(new DicomTag(0x0018, 0x1020), "LO", typeof(ParametricMapWriter).Assembly.GetName().Version?.ToString() ?? "0")
            .Text(DicomTag.SeriesInstanceUid, "UI", series)
            .Text(new DicomTag(0x0020, 0x0011), "IS", "9902")
            .Text(DicomTag.InstanceNumber, "IS", "1")
            .Text(new DicomTag(0x0020, 0x0052), "UI", frameOfReference)
            .Text(new DicomTag(0x0020, 0x1040), "LO", null)
            .Text(new DicomTag(0x0020, 0x0060), "CS", null)
            .Sequence(new DicomTag(0x0020, 0x9221), new DicomDatasetWriter().Text(new DicomTag(0x0020, 0x9164), "UI", dimensions))
            .Sequence(new DicomTag(0x0020, 0x9222), new DicomDatasetWriter()
                .Text(new DicomTag(0x0020, 0x9164), "UI", dimensions)
                .Binary(new DicomTag(0x0020, 0x9165), "AT", Attribute(DicomTag.ImagePositionPatient))
                .Binary(new DicomTag(0x0020, 0x9167), "AT", Attribute(DicomTag.PlanePosition)))
            .UnsignedShort(DicomTag.SamplesPerPixel, 1)
            .Text(DicomTag.PhotometricInterpretation, "CS", "MONOCHROME2")
            .Text(DicomTag.NumberOfFrames, "IS", frames.ToString(CultureInfo.InvariantCulture))
            .UnsignedShort(DicomTag.Rows, (ushort)rows)
            .UnsignedShort(DicomTag.Columns, (ushort)columns)
            .UnsignedShort(DicomTag.BitsAllocated, 32)
            .Text(new DicomTag(0x0028, 0x0301), "CS", "NO")
            .Text(new DicomTag(0x0028, 0x2110), "CS", "00")
            .Text(new DicomTag(0x2050, 0x0020), "CS", "IDENTITY")
            .Text(new DicomTag(0x0070, 0x0080), "CS", Clip(method.ToUpperInvariant().Replace('-', '_'), 16))
            .Text(new DicomTag(0x0070, 0x0081), "LO", Clip(description, 64))
            .Text(new DicomTag(0x0070, 0x0084), "PN", "MedExplain")
            .Sequence(new DicomTag(0x0040, 0x0555))
            .Sequence(DicomTag.SharedFunctionalGroups, shared)
            .Sequence(DicomTag.PerFrameFunctionalGroups, perFrame)
            .UnsignedShort(new DicomTag(0x0028, 0x1101), 256, 0, 16)
            .UnsignedShort(new DicomTag(0x0028, 0x1102), 256, 0, 16)
            .UnsignedShort(new DicomTag(0x0028, 0x1103), 256, 0, 16)
            .Binary(new DicomTag(0x0028, 0x1201), "OW", Palette(scale, c => c.Red))
            .Binary(new DicomTag(0x0028, 0x1202), "OW", Palette(scale, c => c.Green))
            .Binary(new DicomTag(0x0028, 0x1203), "OW", Palette(scale, c => c.Blue))
            .Binary(new DicomTag(0x7FE0, 0x0008), "OF", Floats(map));
        DicomFilingAttributes.WriteInto(dataset, source, study);
        DicomDatasetWriter.WriteFile(path, dataset, SopClass, instance);
        return path;
    }

    /// <summary>What the values are: attribution of the method, in no physical unit, over their range.</summary>
    private static DicomDatasetWriter RealWorldValueMapping(float[] map, string method)
    {
        double low = map.Length == 0 ? 0 : map.Min(), high = map.Length == 0 ? 0 : map.Max();
        var units = new DicomDatasetWriter()
            .Text(new DicomTag(0x0008, 0x0100), "SH", "1")
            .Text(new DicomTag(0x0008, 0x0102), "SH", "UCUM")
            .Text(new DicomTag(0x0008, 0x0104), "LO", "no units");
        return new DicomDatasetWriter()
            .Text(new DicomTag(0x0028, 0x3003), "LO", Clip($"{method} attribution", 64))
            .Text(new DicomTag(0x0040, 0x9210), "SH", Clip(method, 16))
            .Binary(new DicomTag(0x0040, 0x9213), "FD", BitConverter.GetBytes(high))
            .Binary(new DicomTag(0x0040, 0x9214), "FD", BitConverter.GetBytes(low))
            .Binary(new DicomTag(0x0040, 0x9224), "FD", BitConverter.GetBytes(0.0))
            .Binary(new DicomTag(0x0040, 0x9225), "FD", BitConverter.GetBytes(1.0))
            .Sequence(new DicomTag(0x0040, 0x08EA), units);
    }

    /// <summary>One channel of the figure's colour map over 256 entries, 16 bits each.</summary>
    private static byte[] Palette(ColourScale scale, Func<SkiaSharp.SKColor, byte> channel)
    {
        var bytes = new byte[512];
        for (int n = 0; n < 256; n++)
        {
            float t = n / 255f;
            SkiaSharp.SKColor colour = scale.Diverging ? ColorMap.Diverging((2 * t) - 1) : ColorMap.Sequential(t);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * n), (ushort)(channel(colour) * 257));
        }

        return bytes;
    }

    private static Vector3d Lps(Vector3d ras) => new(-ras.X, -ras.Y, ras.Z);

    private static byte[] Floats(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int n = 0; n < values.Length; n++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * n), values[n]);
        }

        return bytes;
    }

    private static byte[] UnsignedLong(uint value) => BitConverter.GetBytes(value);

    private static byte[] Attribute(DicomTag tag) => [.. BitConverter.GetBytes(tag.Group), .. BitConverter.GetBytes(tag.Element)];

    private static string Ds(params double[] values) => string.Join('\\', values.Select(v => Math.Round(v, 6).ToString("0.######", CultureInfo.InvariantCulture)));

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length];
}
