using System.CommandLine;
using MedExplain.Batching;
using MedExplain.Cli.Reports;
using MedExplain.Imaging;
using MedExplain.Onnx;
using MedExplain.Prediction;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain predict</c>: classify one image or a batch of arrays.</summary>
internal static class PredictCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string> model = CliOptions.Model();
        Option<string?> card = CliOptions.Card();
        Option<string> input = new("--input", "-i")
        {
            Description = $"The input: an NPY array (one item, or a batch N×C×… ) or an image ({ModelInputLoader.SupportedFormats}).",
            Required = true,
        };
        Option<bool> noNormalize = new("--no-normalize")
        {
            Description = "The input already holds model-ready values: skip the card's intensity normalisation.",
        };
        Option<long> maxMemory = CliOptions.MaxMemory();
        Option<bool> json = CliOptions.Json();
        var command = new Command("predict", "Classify an input with a model: class scores, probabilities and class names.")
        {
            model, card, input, noNormalize, maxMemory, json,
        };
        command.SetAction(result => console.Guard(() =>
        {
            using OnnxModel loaded = OnnxModel.Load(result.GetValue(model)!, result.GetValue(card));
            string inputPath = result.GetValue(input)!;
            FloatTensor batch = ModelInputLoader.Load(inputPath, loaded, normalize: !result.GetValue(noNormalize));
            var predictor = new Predictor(loaded, new PredictorOptions { MaxMemoryBytes = result.GetValue(maxMemory) });
            PredictionResult prediction = predictor.Predict(batch, inputPath, new ProgressLines(console.Error));
            if (result.GetValue(json))
            {
                JsonOutput.Write(console.Out, PredictionReport.Of(loaded.FilePath, inputPath, prediction));
            }
            else
            {
                PredictionText.Write(console.Out, inputPath, prediction);
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
