using System.CommandLine;
using MedExplain.Cli.Reports;
using MedExplain.Imaging;
using MedExplain.Imaging.Npy;
using MedExplain.Methods.Propagation;
using MedExplain.Onnx;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain fit-patterns</c>: PatternNet's signal patterns of every linear layer, estimated on a data set and saved for attribution.</summary>
internal static class FitPatternsCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string> model = CliOptions.Model();
        Option<string?> card = CliOptions.Card();
        Option<string> data = new("--data") { Description = "The data set: a folder of scans (each read and prepared as by predict) or an NPY batch of model-ready inputs.", Required = true };
        Option<int> maxItems = new("--max-items") { Description = "Use at most this many items of the data set.", DefaultValueFactory = _ => 256 };
        Option<string> output = new("--out", "-o", "--output") { Description = "The patterns file to write (.npz; pass it to attribute --patterns).", Required = true };
        var command = new Command("fit-patterns", "Estimate PatternNet/PatternAttribution patterns (two-component estimator) of a model's Conv and Gemm layers on a data set.")
        {
            model, card, data, maxItems, output,
        };
        command.SetAction(result => console.Guard(() =>
        {
            OutputLocation.CheckFile(result.GetValue(output)!, "out", result.GetValue(model), result.GetValue(card), result.GetValue(data));
            int most = CliOptions.AtLeastOne(result.GetValue(maxItems), "max-items");
            using OnnxModel loaded = OnnxModel.Load(result.GetValue(model)!, result.GetValue(card));
            FloatTensor items = Items(result.GetValue(data)!, loaded, most);
            PatternSet patterns = PatternFitter.Fit(loaded, items, console.Progress());
            string path = result.GetValue(output)!;
            NpzArchive.Write(path, patterns.Patterns);
            console.Out.WriteLine($"fitted patterns of {patterns.Patterns.Count} layer(s) on {items.BatchSize} item(s); written to {path}");
            foreach ((string layer, long samples) in patterns.Samples)
            {
                console.Out.WriteLine($"  {layer,-40} {samples,12} positive samples");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static FloatTensor Items(string data, OnnxModel model, int maxItems)
    {
        if (File.Exists(data))
        {
            FloatTensor batch = ModelInputLoader.Load(data, model.InputSpec);
            return batch.BatchSize > maxItems ? batch.Slice(0, maxItems) : batch;
        }

        if (!Directory.Exists(data))
        {
            throw new MedExplainInputException(data, "is neither a file nor a folder.");
        }

        string[] files = ScanFolder.In(data, maxItems, recursive: true);
        return files.Length == 0
            ? throw new MedExplainInputException(data, $"holds no scans ({MedicalImageReader.SupportedFormats}).")
            : FloatTensor.Concatenate([.. files.Select(f => ModelInputLoader.Load(f, model.InputSpec))]);
    }
}
