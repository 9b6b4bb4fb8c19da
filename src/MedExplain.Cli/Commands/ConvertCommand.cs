using System.CommandLine;
using MedExplain.Imaging;
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
        var command = new Command("convert", "Convert a scan (DICOM file or series, NIfTI, NPY, PNG/JPEG) to NIfTI or NPY.")
        {
            input, output, series, volume,
        };
        command.SetAction(result => console.Guard(() =>
        {
            string target = result.GetValue(output)!;
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
