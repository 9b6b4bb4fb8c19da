using MedExplain.Imaging;
using MedExplain.Pipelines;
using System.CommandLine;
using System.Globalization;
using MedExplain.Cli.Evaluation;
using MedExplain.Cli.Reports;
using MedExplain.Methods;
using MedExplain.Onnx;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain evaluate</c>: metrics of each method's maps over a set of scans, as a console table, CSV, JSON and an HTML report.</summary>
internal static class EvaluateCommand
{
    private const string DefaultMetrics = "completeness,deletion,insertion,sensitivity-n,pointing-game,relevance-mass,relevance-rank,iou,top10-gain,repeatability,top10-sum-overlap,top10-density-overlap,randomisation,label-randomisation";

    public static Command Create(CliConsole console)
    {
        Option<string> model = CliOptions.Model();
        Option<string?> card = CliOptions.Card();
        Option<string> data = new("--data") { Description = "A folder of scans (NAME-mask.*, NAME-regions.* and NAME-confounder.* beside a scan NAME.* are its lesion mask, atlas labels and confounder mask, in the scan's own format where there is one; of twins such as NAME.png and NAME.nii.gz the NIfTI is taken; masks are placed by their geometry), or a manifest .json like demo/scans/manifest.json.", Required = true };
        Option<string?> masks = new("--masks") { Description = "The folder of the lesion masks (NAME-mask.*); default: the scans' folder." };
        Option<string?> atlases = new("--atlases") { Description = "The folder of the atlas label maps (NAME-regions.*); default: the scans' folder." };
        Option<string> methods = new("--methods") { Description = "Comma-separated methods.", DefaultValueFactory = _ => "gradient,integrated-gradients,grad-cam" };
        Option<string> metrics = new("--metrics") { Description = $"Comma-separated metrics: {EvaluationMetrics.Names}. Those a scan lacks the input for (mask, atlas, replica) are left out for it.", DefaultValueFactory = _ => DefaultMetrics };
        Option<int> steps = new("--steps") { Description = $"Deletion/insertion steps, 2 to {EvaluationSettings.MaxSteps}.", DefaultValueFactory = _ => 20 };
        Option<string> curveBy = new("--curve-by") { Description = "What deletion/insertion removes a step at a time: voxels, or atlas regions (whole, ranked by mean attribution).", DefaultValueFactory = _ => "voxels" };
        Option<int> repeats = new("--repeats") { Description = $"Runs with seeds 0..N-1 for repeatability (stochastic methods differ between seeds), 1 to {EvaluationSettings.MaxRepeats}.", DefaultValueFactory = _ => 2 };
        Option<string?> replicas = new("--replicas") { Description = "Comma-separated models trained like --model (other seeds): each adds a run to repeatability." };
        Option<string?> shuffled = new("--shuffled-labels-model") { Description = "A model trained like --model on shuffled labels, for the data randomisation check (label-randomisation)." };
        Option<int> maxItems = new("--max-items") { Description = "Evaluate at most this many scans.", DefaultValueFactory = _ => 50 };
        Option<string> output = new("--out", "-o", "--output") { Description = "The folder for metrics.csv, metrics.json and report.html.", Required = true };
        var uncertainty = new UncertaintyOptions();
        var command = new Command("evaluate", "Evaluate attribution methods on a set of scans: faithfulness (completeness, deletion/insertion, sensitivity-n, infidelity), localisation against lesion masks, top-10 atlas regions, repeatability across seeds and replica models, and the randomisation sanity checks.")
        {
            model, card, data, masks, atlases, methods, metrics, steps, curveBy, repeats, replicas, shuffled, maxItems, output,
        };
        uncertainty.AddTo(command);
        command.SetAction(result => console.Guard(() =>
        {
            OutputLocation.CheckFolder(result.GetValue(output)!, "out", result.GetValue(data), result.GetValue(masks), result.GetValue(atlases), result.GetValue(model));
            int most = CliOptions.AtLeastOne(result.GetValue(maxItems), "max-items");
            using OnnxModel loaded = OnnxModel.Load(result.GetValue(model)!, result.GetValue(card));
            string[] chosenMethods = Split(result.GetValue(methods));
            string by = result.GetValue(curveBy)!;
            if (by is not ("voxels" or "atlas"))
            {
                throw new MedExplainParameterException("curve-by", $"'{by}' is not one of: voxels, atlas.");
            }

            List<OnnxModel> others = [.. Split(result.GetValue(replicas)).Select(p => OnnxModel.Load(p))];
            OnnxModel? shuffledModel = result.GetValue(shuffled) is { } s ? OnnxModel.Load(s) : null;
            try
            {
                foreach (OnnxModel other in others.Append(shuffledModel).OfType<OnnxModel>())
                {
                    RequireSameInterface(loaded, other);
                }

                var settings = new EvaluationSettings(
                    chosenMethods, [.. Split(result.GetValue(metrics)).Select(EvaluationMetrics.Get)], result.GetValue(steps), result.GetValue(repeats),
                    others, shuffledModel, by == "atlas", new AttributionOptions { Steps = 16, Samples = 16 })
                {
                    Uncertainty = uncertainty.Settings(result, MedExplain.Prediction.PredictorOptions.DefaultMemoryBudgetBytes),
                };
                settings.Validate();
                string modelName = loaded.Card?.Name ?? ScanFolder.Stem(Path.GetFileNameWithoutExtension(loaded.FilePath));
                IReadOnlyList<EvaluationItem> items = EvaluationSet.Load(result.GetValue(data)!, result.GetValue(masks), result.GetValue(atlases), modelName, most);
                console.Error.WriteLine($"evaluating {chosenMethods.Length} method(s) on {items.Count} scan(s) with {settings.Metrics.Count} metric(s)");
                NoteMissingInputs(console.Error, settings, items);
                string folder = result.GetValue(output)!;
                (EvaluationResult evaluation, string report) = Run(console, loaded, settings, items, folder, $"MedExplain evaluation: {modelName}", new Dictionary<string, string>
                {
                    ["model"] = Path.GetFileName(loaded.FilePath),
                    ["data"] = result.GetValue(data)!,
                    ["scans"] = items.Count.ToString(CultureInfo.InvariantCulture),
                    ["steps"] = settings.Steps.ToString(CultureInfo.InvariantCulture),
                    ["curve features"] = by,
                    ["repeats (seeds)"] = settings.Repeats.ToString(CultureInfo.InvariantCulture),
                    ["replica models"] = others.Count == 0 ? "none" : string.Join(", ", others.Select(o => Path.GetFileName(o.FilePath))),
                    ["shuffled-labels model"] = shuffledModel is null ? "none" : Path.GetFileName(shuffledModel.FilePath),
                    ["baseline"] = "zeros (the model's input space)",
                    ["target"] = "the predicted class of each scan",
                    ["uncertainty"] = settings.Uncertainty is null ? "not measured" : settings.Uncertainty.Source.ToString(),
                });
                console.Out.WriteLine($"report: {report}");
                return CliConsole.Failed(console, evaluation.Failures, report);
            }
            finally
            {
                others.ForEach(o => o.Dispose());
                shuffledModel?.Dispose();
            }
        }));
        return command;
    }

    /// <summary>Evaluates, prints the table of means and writes the CSV, JSON and HTML report; returns the values and the report's path.</summary>
    public static (EvaluationResult Result, string Report) Run(CliConsole console, OnnxModel model, EvaluationSettings settings, IReadOnlyList<EvaluationItem> items, string folder, string title, IReadOnlyDictionary<string, string> parameters)
    {
        EvaluationResult evaluation = new EvaluationRun(model, settings, console.Progress).Run(items);
        EvaluationOutput.WriteFiles(evaluation, folder);
        EvaluationOutput.WriteTable(console.Out, evaluation, settings);
        console.Out.WriteLine($"wrote {Path.Combine(folder, "metrics.csv")} and metrics.json ({evaluation.Values.Count} values)");
        return (evaluation, EvaluationOutput.WriteReport(evaluation, settings, title, parameters, folder));
    }

    /// <summary>Replicas and the shuffled-labels model are the same network trained again: same input and output shapes.</summary>
    private static void RequireSameInterface(OnnxModel model, OnnxModel other)
    {
        if (other.ImageInput.FormatShape() != model.ImageInput.FormatShape() || other.ScoreOutput.FormatShape() != model.ScoreOutput.FormatShape())
        {
            throw new MedExplainInputException(other.FilePath, $"takes {other.ImageInput.FormatShape()} and gives {other.ScoreOutput.FormatShape()}, but --model takes {model.ImageInput.FormatShape()} and gives {model.ScoreOutput.FormatShape()}: a replica or shuffled-labels model must be the same network trained again.");
        }
    }

    /// <summary>Says which chosen metrics cannot be computed at all with what was given, and what they need.</summary>
    private static void NoteMissingInputs(TextWriter error, EvaluationSettings settings, IReadOnlyList<EvaluationItem> items)
    {
        foreach ((IMetric metric, MetricNeeds missing) in settings.Unavailable(items))
        {
            string what = missing switch
            {
                MetricNeeds.LesionMask => "lesion masks (NAME-mask.* or the manifest's \"lesionMask\")",
                MetricNeeds.ConfounderMask => "confounder masks (NAME-confounder.* or the manifest's \"confounderMask\")",
                MetricNeeds.Atlas => "atlas labels (NAME-regions.* or the manifest's \"regions\")",
                MetricNeeds.SecondRun => "a second run (--repeats 2 or more, or --replicas)",
                _ => "--shuffled-labels-model",
            };
            error.WriteLine($"note: {metric.Name} needs {what}; it is left out.");
        }
    }

    private static string[] Split(string? list) => list is null ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
