using System.Globalization;
using MedExplain.Imaging.Geometry;

namespace MedExplain.Imaging.Dicom;

/// <summary>Reads one DICOM file as a <see cref="MedicalImage"/>: frames become slices, values get the modality transform (HU for CT).</summary>
public static class DicomImageReader
{
    /// <summary>Free text that sites fill with names (PS3.15's Basic Profile removes Series Description): kept apart.</summary>
    private static readonly (DicomTag Tag, string Name)[] FreeTextFields =
    [
        (DicomTag.SeriesDescription, "seriesDescription"),
        (new DicomTag(0x0008, 0x1090), "manufacturerModelName"),
        (DicomTag.WindowExplanation, "windowExplanation"),
    ];

    private static readonly (DicomTag Tag, string Name)[] SafeProperties =
    [
        (DicomTag.SopClassUid, "sopClassUid"),
        (new DicomTag(0x0008, 0x0070), "manufacturer"),
        (new DicomTag(0x0018, 0x0015), "bodyPartExamined"),
        (new DicomTag(0x0018, 0x0060), "kvp"),
        (new DicomTag(0x0018, 0x0080), "repetitionTime"),
        (new DicomTag(0x0018, 0x0081), "echoTime"),
        (new DicomTag(0x0018, 0x0087), "magneticFieldStrength"),
        (DicomTag.SliceThickness, "sliceThickness"),
        (DicomTag.RescaleType, "rescaleType"),
    ];

    /// <summary>Reads a file.</summary>
    /// <param name="path">A DICOM Part 10 file.</param>
    /// <param name="volume">For an enhanced multi-frame file holding several volumes (stacks, temporal positions), which
    /// one, from 0.</param>
    /// <exception cref="MedExplainInputException">Not DICOM, not an image, or pixels that cannot be decoded.</exception>
    public static MedicalImage Read(string path, int volume = 0) => Read(DicomFile.Read(path), volume);

    /// <summary>Reads a parsed file.</summary>
    /// <param name="file">The file.</param>
    /// <param name="volume">For an enhanced multi-frame file holding several volumes, which one, from 0.</param>
    public static MedicalImage Read(DicomFile file, int volume = 0)
    {
        ArgumentNullException.ThrowIfNull(file);
        DicomDataset d = file.Dataset;
        if (EnhancedMultiFrame.Is(d))
        {
            return EnhancedMultiFrame.Read(file, volume);
        }

        (float[] samples, PixelModule module, string photometric) = DicomPixelDecoder.Decode(file);
        if (module.SamplesPerPixel == 1)
        {
            ModalityTransform(d, module, file.Path).Apply(samples);
        }

        var warnings = new List<string>(file.Warnings);
        DicomGeometry geometry = DicomGeometry.Read(d, warnings);
        double step = d.Number(DicomTag.SpacingBetweenSlices, d.Number(DicomTag.SliceThickness, 1));
        Affine affine = geometry.ToRas(geometry.Normal * step);
        var image = new MedicalImage([module.Columns, module.Rows, module.Frames], module.SamplesPerPixel, samples, affine, Metadata(file, module, photometric, warnings));
        return image;
    }

    /// <summary>Reads what a file says about its image without decoding pixels (for files whose pixels cannot be decoded).</summary>
    /// <param name="path">A DICOM file.</param>
    /// <returns>Dims (columns, rows, frames), samples per pixel, the RAS+ affine and the metadata.</returns>
    public static (int[] Dims, int Channels, Affine Affine, ImageMetadata Metadata) ReadHeader(string path)
    {
        DicomFile file = DicomFile.Read(path, stopAtPixelData: true);
        PixelModule module = PixelModule.Read(file.Dataset, null, file.Syntax.Codec != PixelCodec.None, path);
        var warnings = new List<string>(file.Warnings);
        DicomGeometry geometry = DicomGeometry.Read(file.Dataset, warnings);
        double step = file.Dataset.Number(DicomTag.SpacingBetweenSlices, file.Dataset.Number(DicomTag.SliceThickness, 1));
        return ([module.Columns, module.Rows, module.Frames], module.SamplesPerPixel, geometry.ToRas(geometry.Normal * step), Metadata(file, module, module.Photometric, warnings));
    }

    /// <summary>Builds the metadata from an allow-list, so no identity field (name, ID, birth date, accession…) is ever copied.</summary>
    internal static ImageMetadata Metadata(DicomFile file, PixelModule module, string photometric, IReadOnlyList<string> warnings)
    {
        DicomDataset d = file.Dataset;
        var properties = new Dictionary<string, string>();
        foreach ((DicomTag tag, string name) in SafeProperties)
        {
            if (d.Text(tag) is { } value)
            {
                properties[name] = value;
            }
        }

        var freeText = new Dictionary<string, string>();
        foreach ((DicomTag tag, string name) in FreeTextFields)
        {
            if (d.Text(tag) is { Length: > 0 } value)
            {
                freeText[name] = value;
            }
        }

        properties["bitsStored"] = module.BitsStored.ToString(CultureInfo.InvariantCulture);
        if (photometric != module.Photometric)
        {
            properties["storedPhotometric"] = module.Photometric;
        }

        return new ImageMetadata
        {
            Format = "DICOM",
            Source = file.Path,
            Modality = d.Text(DicomTag.Modality),
            DataType = module.DataType,
            FileDims = [module.Columns, module.Rows, module.Frames],
            Windows = Windows(d),
            TransferSyntax = file.Syntax.Uid,
            Photometric = photometric,
            Properties = properties,
            FreeText = freeText,
            Warnings = warnings,
        };
    }

    /// <summary>Gets the windows (multi-valued centre/width pairs); their names are free text, kept apart.</summary>
    internal static IReadOnlyList<DisplayWindow> Windows(DicomDataset d)
    {
        double[] centers = d.Numbers(DicomTag.WindowCenter) ?? [];
        double[] widths = d.Numbers(DicomTag.WindowWidth) ?? [];
        return [.. Enumerable.Range(0, Math.Min(centers.Length, widths.Length)).Where(n => widths[n] >= 1)
            .Select(n => new DisplayWindow(centers[n], widths[n]))];
    }

    /// <summary>Gets the modality transform: the Modality LUT when present, else Rescale Slope/Intercept.</summary>
    internal static ModalityTransform ModalityTransform(DicomDataset d, PixelModule module, string path)
    {
        if (d.Sequence(DicomTag.ModalityLutSequence) is [var lut, ..])
        {
            return Dicom.ModalityTransform.FromLut(lut, module.Signed, path);
        }

        return new ModalityTransform(d.Number(DicomTag.RescaleSlope, 1, path, "Rescale Slope"), d.Number(DicomTag.RescaleIntercept, 0, path, "Rescale Intercept"), null, 0);
    }
}
