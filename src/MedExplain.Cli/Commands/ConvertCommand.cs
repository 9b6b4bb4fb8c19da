using System.CommandLine;
using MedExplain.Imaging;
using MedExplain.Imaging.Dicom.Writing;
using MedExplain.Imaging.Rendering;
using MedExplain.Methods;
using MedExplain.Imaging.Nifti;
using MedExplain.Imaging.Npy;
using MedExplain.Imaging.Samples;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain convert</c>: any readable scan (a DICOM series, say) to NIfTI or NPY, keeping values and geometry.</summary>
internal static class ConvertCommand
{
    public static Command Create(CliConsole console)
    {
        Argument<string> input = CliOptions.ScanArgument();
        Option<string> output = new("--out", "-o", "--output")
        {
            Description = "The file to write: .nii or .nii.gz (NIfTI-1 with the scan's RAS+ affine, qform = sform) or .npy (array (C,) K, J, I).",
            Required = true,
        };
        Option<string?> series = CliOptions.Series();
        Option<int> volume = CliOptions.Volume();
        Option<string?> dicomLike = new("--dicom-like")
        {
            Description = "Treat the input as a map explain wrote for this scan (a DICOM file or series, or any readable scan) and write it for PACS into the --out folder: a Secondary Capture series and a Parametric Map, filed in the scan's study when it is DICOM.",
        };
        Option<string?> method = new("--method") { Description = "With --dicom-like: the method that made the map (its colours follow it); default: the map file's name." };
        var command = new Command("convert", "Convert a scan (DICOM file or series, NIfTI, NPY, PNG/JPEG) to NIfTI or NPY, or a map to DICOM for PACS (--dicom-like).")
        {
            input, output, series, volume, dicomLike, method,
        };
        command.SetAction(result => console.Guard(() =>
        {
            string target = result.GetValue(output)!;
            if (result.GetValue(dicomLike) is { } scanPath)
            {
                return ToDicom(console, result.GetValue(input)!, scanPath, new ImageReadOptions(result.GetValue(series), result.GetValue(volume)), target, result.GetValue(method));
            }

            OutputLocation.CheckFile(target, "out", result.GetValue(input));
            MedicalImage image = MedicalImageReader.Read(result.GetValue(input)!, new ImageReadOptions(result.GetValue(series), result.GetValue(volume)));
            if (NiftiReader.HasNiftiName(target) && !target.EndsWith(".hdr", StringComparison.OrdinalIgnoreCase))
            {
                NiftiWriter.Write(target, image, StoredType(image));
            }
            else if (target.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            {
                int[] shape = image.Channels > 1 ? [image.Channels, image.Dims[2], image.Dims[1], image.Dims[0]] : [image.Dims[2], image.Dims[1], image.Dims[0]];
                NpyWriter.Write(target, new FloatTensor(shape, image.Voxels));
            }
            else
            {
                throw new MedExplainInputException(target, "has an output type convert does not write; use .nii, .nii.gz or .npy.");
            }

            console.Out.WriteLine($"wrote {target}: {string.Join("×", image.Dims)}{(image.Channels > 1 ? $"×{image.Channels}" : string.Empty)} {image.Metadata.DataType}, orientation {image.Affine.AxisCodes}");
            foreach (string warning in image.Metadata.Warnings)
            {
                console.Out.WriteLine($"note: {warning}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>A map on a scan's voxels to the two DICOM objects a PACS takes. Its colours follow the method when the
    /// name is one MedExplain knows; otherwise the map is drawn signed (diverging), which hides no sign.</summary>
    private static int ToDicom(CliConsole console, string mapPath, string scanPath, ImageReadOptions read, string folder, string? methodName)
    {
        OutputLocation.CheckFolder(folder, "out", mapPath, scanPath);
        MedicalImage scan = MedicalImageReader.Read(scanPath, read);
        float[] map = MapsForPacs.ReadOnScanGrid(mapPath, scan);
        string method = methodName ?? ScanFolder.Stem(mapPath);
        bool known = AttributionMethods.Names.Contains(method);
        var scale = ColourScale.Of([map], !known || AttributionMethods.CarriesSign(method, null));
        (string series, int images, string? parametric) = MapsForPacs.Write(folder, ScanFolder.Stem(mapPath), scan, map, method, scale, $"{method} map", DicomFilingAttributes.Read(scanPath, read.SeriesInstanceUid), DateTimeOffset.Now);
        console.Out.WriteLine($"DICOM Secondary Capture series ({images} images, not for diagnosis): {series}");
        console.Out.WriteLine(parametric is null ? "No DICOM Parametric Map: the scan has no position in space (PNG, NPY) to place its frames by." : $"DICOM Parametric Map: {parametric}");
        if (!known)
        {
            console.Out.WriteLine($"note: '{method}' is not a method MedExplain knows, so the map is drawn signed (blue to red); give --method to draw it as its method's maps are.");
        }

        return ExitCodes.Success;
    }

    /// <summary>Keeps integer scans (CT in HU, uint8 masks) as integers when every value fits; float32 otherwise.</summary>
    private static SampleType StoredType(MedicalImage image)
    {
        bool integral = image.Voxels.All(v => v == MathF.Round(v));
        return !integral ? SampleType.Float32
            : image.Voxels.All(v => v is >= 0 and <= 255) && image.Metadata.DataType.EndsWith('8') ? SampleType.UInt8
            : image.Voxels.All(v => v is >= short.MinValue and <= short.MaxValue) ? SampleType.Int16
            : SampleType.Float32;
    }
}
