using System.CommandLine;
using MedExplain.Cli.Reports;
using MedExplain.Imaging;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain image-info</c>: what a scan holds and where it lies, as text or a stable JSON contract.</summary>
internal static class ImageInfoCommand
{
    public static Command Create(CliConsole console)
    {
        Argument<string> input = CliOptions.ScanArgument();
        Option<bool> json = CliOptions.Json();
        Option<string?> series = CliOptions.Series();
        Option<int> volume = CliOptions.Volume();
        Option<bool> showDescriptions = new("--show-descriptions") { Description = "Also print the file's free-text fields (series description, model name, window names, NIfTI description) on the console; they may name people, so nothing else ever shows them." };
        var command = new Command("image-info", "Show a scan's dims, spacing, RAS+ affine, modality, data type, transfer syntax and voxel statistics (identity fields are never shown).")
        {
            input, json, series, volume, showDescriptions,
        };
        command.SetAction(result => console.Guard(() =>
        {
            ImageInfo info = ImageInfo.Of(result.GetValue(input)!, new ImageReadOptions(result.GetValue(series), result.GetValue(volume)));
            if (result.GetValue(json))
            {
                JsonOutput.Write(console.Out, info);
            }
            else
            {
                info.WriteText(console.Out, result.GetValue(showDescriptions));
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
