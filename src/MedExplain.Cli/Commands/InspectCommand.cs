using System.CommandLine;
using MedExplain.Cli.Reports;
using MedExplain.Onnx;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain inspect</c>: what a model takes, emits and is made of.</summary>
internal static class InspectCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string> model = CliOptions.Model();
        Option<string?> card = CliOptions.Card();
        Option<bool> json = CliOptions.Json();
        var command = new Command("inspect", "Show a model's inputs, outputs (symbolic dims included), opset, op inventory, CAM layer candidates and card.")
        {
            model, card, json,
        };
        command.SetAction(result => console.Guard(() =>
        {
            using OnnxModel loaded = OnnxModel.Load(result.GetValue(model)!, result.GetValue(card));
            ModelSummary summary = ModelSummary.Of(loaded);
            if (result.GetValue(json))
            {
                JsonOutput.Write(console.Out, summary);
            }
            else
            {
                ModelSummaryText.Write(console.Out, summary);
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
