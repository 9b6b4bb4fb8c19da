using MedExplain.Cases;
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
        Option<int?> evaluate = new("--evaluate") { Description = "Then measure retrieval over the whole index, leaving each labelled case out in turn: how often its nearest case, and its K nearest, share its label." };
        Option<long> maxMemory = CliOptions.MaxMemory();
        var command = new Command("index", "Build or extend a case index: each reference scan's embedding at a layer of the model, with its label and the hashes of model and scan, for similar-case search.")
        {
            model, card, data, output, layer, maxItems, evaluate, maxMemory,
        };
        command.SetAction(result => console.Guard(() =>
        {
            string folder = result.GetValue(output)!;
            int? evaluateK = result.GetValue(evaluate) is { } given ? CliOptions.AtLeastOne(given, "evaluate") : null;
            OutputLocation.CheckFolder(folder, "out", result.GetValue(data), result.GetValue(model));
            using OnnxModel loaded = OnnxModel.Load(result.GetValue(model)!, result.GetValue(card));
            string modelName = loaded.Card?.Name ?? Path.GetFileNameWithoutExtension(loaded.FilePath);
            IReadOnlyList<EvaluationItem> items = EvaluationSet.Load(result.GetValue(data)!, null, null, modelName, CliOptions.AtLeastOne(result.GetValue(maxItems), "max-items"));
            CaseIndex index = CaseIndex.OpenOrCreate(folder, loaded, result.GetValue(layer));
            int added = index.AddScans(loaded, [.. items.Select(i => (i.Scan, i.Truth))], result.GetValue(maxMemory), console.Progress("index"));
            string skipped = added < items.Count ? $", {items.Count - added} already indexed unchanged" : string.Empty;
            console.Out.WriteLine($"{folder}: {index.Cases.Count} cases ({added} added{skipped}) at {index.Layer}, {index.Dimension} values each");
            if (evaluateK is { } k)
            {
                if (k >= index.Cases.Count)
                {
                    throw new MedExplainParameterException("evaluate", $"asks for {k} neighbours; the index holds {index.Cases.Count} cases, so at most {index.Cases.Count - 1} (the cases are indexed and kept).");
                }

                (double at1, double atK) = RetrievalEvaluation.SameClassRates([.. Enumerable.Range(0, index.Cases.Count).Select(index.Embedding)], [.. index.Cases.Select(c => c.Label)], k);
                int labelled = index.Cases.Count(c => c.Label is not null);
                string chance = string.Join(", ", index.Cases.Where(c => c.Label is not null).GroupBy(c => c.Label).Select(g => FormattableString.Invariant($"{g.Key} {g.Count() / (double)labelled:0.00}")));
                console.Out.WriteLine(FormattableString.Invariant($"retrieval, leaving each of {labelled} labelled cases out: same-class@1 {at1:0.00}, same-class@{k} {atK:0.00} (each label's share of the index: {chance})"));
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
