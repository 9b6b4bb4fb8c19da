using MedExplain.Imaging.Dicom;
using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Nifti;
using MedExplain.Imaging.Npy;
using MedExplain.Imaging.Raster;

namespace MedExplain.Imaging;

/// <summary>Reads any scan MedExplain knows: a DICOM series folder, a DICOM file, NIfTI, NPY or PNG/JPEG/BMP/WebP.</summary>
/// <remarks>
/// The format comes from the content where it can (DICM magic, gzip, NIfTI header) and from the name otherwise.
/// NPY and raster images carry no geometry: they get 1 mm voxels; raster rows run downwards, so row 0 is drawn at the top
/// (anterior) in NIfTI viewers.
/// </remarks>
public static class MedicalImageReader
{
    /// <summary>Gets the kinds of input, for help texts.</summary>
    public static string SupportedFormats => "a DICOM file or a folder of DICOM slices, NIfTI (.nii, .nii.gz, .hdr/.img pairs by either name), .npy, " + string.Join(", ", RasterReader.Extensions);

    /// <summary>Gets the file name endings of the scans <see cref="Read"/> takes, longest first (".nii.gz" before
    /// ".nii"): the one list every folder search and output name uses.</summary>
    public static IReadOnlyList<string> ScanExtensions { get; } = [".nii.gz", ".nii", ".hdr", ".npy", ".dcm", .. RasterReader.Extensions.Order(StringComparer.Ordinal)];

    /// <summary>Reads a scan.</summary>
    /// <param name="path">A file or a folder of DICOM slices.</param>
    /// <param name="options">Which series or volume to take; null for the defaults.</param>
    /// <exception cref="MedExplainInputException">The input is missing, of an unknown format, or broken.</exception>
    public static MedicalImage Read(string path, ImageReadOptions? options = null) => WarnOfNonFinite(ReadAny(path, options));

    /// <summary>Adds a warning when voxels or geometry hold NaN or infinities: such a scan reads, but predictions and maps
    /// of it mean little, and every surface shows the reader's warnings.</summary>
    private static MedicalImage WarnOfNonFinite(MedicalImage image)
    {
        int bad = 0;
        foreach (float v in image.Voxels)
        {
            bad += float.IsFinite(v) ? 0 : 1;
        }

        bool badGeometry = Enumerable.Range(0, 16).Any(n => !double.IsFinite(image.Affine[n / 4, n % 4]));
        if (bad == 0 && !badGeometry)
        {
            return image;
        }

        List<string> warnings = [.. image.Metadata.Warnings];
        if (bad > 0)
        {
            warnings.Add($"{bad} of {image.Voxels.Length} voxels are NaN or infinite; predictions and maps of this scan mean little.");
        }

        if (badGeometry)
        {
            warnings.Add("the file's geometry (affine) holds NaN or infinite values; where the scan lies is unknown.");
        }

        return new MedicalImage(image.Dims, image.Channels, image.Voxels, image.Affine, image.Metadata with { Warnings = warnings });
    }

    private static MedicalImage ReadAny(string path, ImageReadOptions? options)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new ImageReadOptions();
        if (Directory.Exists(path))
        {
            return DicomSeriesReader.Read(path, options.SeriesInstanceUid);
        }

        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "file not found.");
        }

        if (NiftiReader.HasNiftiName(path))
        {
            return NiftiReader.Read(path, options.Volume);
        }

        if (DicomFile.HasDicomMagic(path) || path.EndsWith(".dcm", StringComparison.OrdinalIgnoreCase))
        {
            return DicomImageReader.Read(path, options.Volume);
        }

        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            return FromArray(NpyReader.Read(path), path, "NPY", NpyReader.DataTypeName(path));
        }

        if (RasterReader.Extensions.Contains(Path.GetExtension(path)))
        {
            FloatTensor raster = RasterReader.Read(path);
            return FromRaster(raster, path);
        }

        throw new MedExplainInputException(path, $"is of a format MedExplain does not read (supported: {SupportedFormats}).");
    }

    /// <summary>Makes an image from a C-order array whose last axis is i: (H, W), (D, H, W), or with leading channel or batch axes of 1.</summary>
    /// <param name="array">The array.</param>
    /// <param name="source">Where it came from.</param>
    /// <param name="format">The format name.</param>
    /// <param name="dataType">The stored type.</param>
    public static MedicalImage FromArray(FloatTensor array, string source, string format, string dataType)
    {
        ArgumentNullException.ThrowIfNull(array);
        int[] shape = [.. array.Shape];
        while (shape.Length > 3 && shape[0] == 1)
        {
            shape = shape[1..];
        }

        (int channels, int[] spatial) = shape.Length switch
        {
            2 => (1, shape),
            3 => (1, shape),
            4 => (shape[0], shape[1..]),
            _ => throw new MedExplainInputException(source, $"holds an array of shape {FloatTensor.FormatShape(array.Shape)}; a scan is (H, W), (D, H, W) or (C, D, H, W)."),
        };
        int[] dims = spatial.Length == 2 ? [spatial[1], spatial[0], 1] : [spatial[2], spatial[1], spatial[0]];
        return new MedicalImage(dims, channels, array.Data, Affine.Identity, new ImageMetadata
        {
            Format = format,
            Source = source,
            DataType = dataType,
            FileDims = [.. array.Shape.Reverse().Select(d => (long)d)],
            HasGeometry = false,
            Warnings = ["has no geometry (NPY); assuming 1 mm voxels in array order."],
        });
    }

    private static MedicalImage FromRaster(FloatTensor raster, string path)
    {
        int channels = raster.Shape[1], height = raster.Shape[2], width = raster.Shape[3];
        var upright = Affine.FromColumns(new Vector3d(1, 0, 0), new Vector3d(0, -1, 0), new Vector3d(0, 0, 1), new Vector3d(0, height - 1, 0));
        return new MedicalImage([width, height, 1], channels, raster.Data, upright, new ImageMetadata
        {
            Format = Path.GetExtension(path).TrimStart('.').ToUpperInvariant(),
            Source = path,
            DataType = RasterReader.IsSixteenBitPng(path) ? "uint16" : "uint8",
            FileDims = [width, height],
            Photometric = channels == 1 ? "MONOCHROME2" : "RGB",
            HasGeometry = false,
        });
    }
}

/// <summary>Which part of a multi-part input to read.</summary>
/// <param name="SeriesInstanceUid">The series of a DICOM folder that holds several.</param>
/// <param name="Volume">The volume of a 4D NIfTI file, or of an enhanced multi-frame DICOM file that holds several
/// (stacks, temporal positions), from 0.</param>
public sealed record ImageReadOptions(string? SeriesInstanceUid = null, int Volume = 0);
