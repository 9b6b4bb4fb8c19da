using System.CommandLine;
using MedExplain.Onnx;
using MedExplain.Pipelines;
using MedExplain.Pipelines.Cases;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain index</c>: reference scans into a case index for <c>similar</c>.</summary>
internal static class IndexCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string> model = CliOptions.Model();
        Option<string?> card = CliOptions.Card();
        Option<string> data = new("--data") { Description = "The reference scans: a folder, or a manifest .json like demo/scans/manifest.json (its \"truth\" becomes each case's label).", Required = true };
        Option<string> output = new("--out", "-o", "--output") { Description = "The index's folder: index.json and embeddings.f32. An existing index of the same model and layer is appended to.", Required = true };
        Option<string?> layer = new("--layer") { Description = "The layer whose activation, averaged over positions, is each case's embedding; default: the activation the classifier head pools." };
        Option<int> maxItems = new("--max-items") { Description = "Index at most this many scans.", DefaultValueFactory = _ => 100_000 };
        Option<long> maxMemory = CliOptions.MaxMemory();
        var command = new Command("index", "Build or extend a case index: each reference scan's embedding at a layer of the model, with its label and the hashes of model and scan, for similar-case search.")
        {
            model, card, data, output, layer, maxItems, maxMemory,
        };
        command.SetAction(result => console.Guard(() =>
        {
            string folder = result.GetValue(output)!;
            OutputLocation.CheckFolder(folder, "out", result.GetValue(data), result.GetValue(model));
            using OnnxModel loaded = OnnxModel.Load(result.GetValue(model)!, result.GetValue(card));
            string modelName = loaded.Card?.Name ?? Path.GetFileNameWithoutExtension(loaded.FilePath);
            IReadOnlyList<EvaluationItem> items = EvaluationSet.Load(result.GetValue(data)!, null, null, modelName, CliOptions.AtLeastOne(result.GetValue(maxItems), "max-items"));
            CaseIndex index = CaseIndex.OpenOrCreate(folder, loaded, result.GetValue(layer));
            index.AddScans(loaded, [.. items.Select(i => (i.Scan, i.Truth))], result.GetValue(maxMemory), console.Progress("index"));
            console.Out.WriteLine($"{folder}: {index.Cases.Count} cases ({items.Count} added) at {index.Layer}, {index.Dimension} values each");
            return ExitCodes.Success;
        }));
        return command;
    }
}
