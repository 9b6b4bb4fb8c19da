using MedExplain.Pipelines;
using System.Globalization;
using MedExplain.Cli.Commands;
using MedExplain.Cli.Evaluation;
using MedExplain.Methods;
using MedExplain.Onnx;

namespace MedExplain.Cli.Demo;

/// <summary>
/// The demo's check of its own maps: faithfulness (deletion/insertion) and localisation (lesion masks, and the marker
/// area on the shortcut model's slices), with a verdict on whether the maps expose the shortcut.
/// </summary>
internal static class DemoEvaluation
{
    private static readonly string[] Metrics = ["deletion", "insertion", "pointing-game", "relevance-mass", "confounder-mass"];

    /// <summary>Evaluates the panel's methods on one model's samples, prints the table and a verdict; returns the result
    /// and the report's path.</summary>
    public static (EvaluationResult Result, string Report) Run(CliConsole console, OnnxModel model, string modelName, string demoFolder, IReadOnlyList<DemoManifest.Sample> samples, string outFolder)
    {
        string? Resolve(string? relative) => relative is null ? null : Path.Combine(demoFolder, "scans", relative);
        EvaluationItem[] items = [.. samples.Select(s => new EvaluationItem(Resolve(s.Scan)!, Resolve(s.LesionMask), null, Resolve(s.ConfounderMask)))];
        var settings = new EvaluationSettings(
            DemoPanel.MethodsFor(model), [.. Metrics.Where(m => m != "confounder-mass" || items.Any(i => i.Confounder is not null)).Select(EvaluationMetrics.Get)],
            Steps: 20, Repeats: 1, Replicas: [], ShuffledLabels: null, CurvesByAtlas: false, new AttributionOptions { Steps = 16, Samples = 16 });
        console.Out.WriteLine($"   how faithful and how well placed are these maps? (means over {items.Length} scans; localisation over those with a lesion)");
        var table = new StringWriter(CultureInfo.InvariantCulture);
        (EvaluationResult result, string report) = EvaluateCommand.Run(new CliConsole(table, console.Error), model, settings, items, Path.Combine(outFolder, "evaluation-" + modelName), $"MedExplain demo: evaluation of {modelName}", new Dictionary<string, string>
        {
            ["model"] = modelName,
            ["scans"] = items.Length.ToString(CultureInfo.InvariantCulture),
            ["steps"] = "20",
            ["baseline"] = "zeros (the model's input space)",
        });
        foreach (string line in table.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).SkipLast(1))
        {
            console.Out.WriteLine("   " + line);
        }

        foreach (Finding finding in result.Findings)
        {
            console.Out.WriteLine($"   -> {finding.Text}");
        }

        console.Out.WriteLine($"   evaluation report: {report}");
        return (result, report);
    }
}
