using System.CommandLine;
using System.Globalization;
using System.Text;
using MedExplain.Cli.Explain;
using MedExplain.Cli.Reports;
using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Metrics;
using MedExplain.Onnx;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain evaluate</c>: metrics of each method's maps over a set of scans, as a console table, CSV and JSON.</summary>
internal static class EvaluateCommand
{
    private static readonly string[] AllMetrics = ["completeness", "deletion", "insertion", "sensitivity-n", "infidelity", "max-sensitivity", "pointing-game", "relevance-mass", "relevance-rank", "iou", "randomisation"];

    public static Command Create(CliConsole console)
    {
        Option<string> model = CliOptions.Model();
        Option<string?> card = CliOptions.Card();
        Option<string> data = new("--data") { Description = "A folder of scans (files whose names contain \"-mask\" are taken as masks, not scans).", Required = true };
        Option<string?> masks = new("--masks") { Description = "Where lesion masks are: NAME-mask.* beside each scan NAME.* in this folder; default: the scans' folder." };
        Option<string> methods = new("--methods") { Description = "Comma-separated methods.", DefaultValueFactory = _ => "gradient,integrated-gradients,grad-cam" };
        Option<string> metrics = new("--metrics") { Description = $"Comma-separated metrics: {string.Join(", ", AllMetrics)} (localisation ones need masks).", DefaultValueFactory = _ => string.Join(",", AllMetrics) };
        Option<int> steps = new("--steps") { Description = "Deletion/insertion steps.", DefaultValueFactory = _ => 20 };
        Option<int> maxItems = new("--max-items") { Description = "Evaluate at most this many scans.", DefaultValueFactory = _ => 50 };
        Option<string> output = new("--out", "-o") { Description = "The folder for metrics.csv and metrics.json.", Required = true };
        var command = new Command("evaluate", "Evaluate attribution methods on a set of scans: faithfulness (completeness, deletion/insertion AUC, sensitivity-n), localisation against lesion masks, and the randomisation sanity check.")
        {
            model, card, data, masks, methods, metrics, steps, maxItems, output,
        };
        command.SetAction(result => console.Guard(() =>
        {
            using OnnxModel loaded = OnnxModel.Load(result.GetValue(model)!, result.GetValue(card));
            string[] chosenMethods = [.. result.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            string[] chosenMetrics = [.. result.GetValue(metrics)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            foreach (string metric in chosenMetrics.Where(m => !AllMetrics.Contains(m)))
            {
                throw new MedExplainInputException("--metrics", $"'{metric}' is not a metric; the metrics are: {string.Join(", ", AllMetrics)}.");
            }

            foreach (string method in chosenMethods)
            {
                AttributionMethods.Get(method);
            }

            string folder = result.GetValue(data)!;
            if (!Directory.Exists(folder))
            {
                throw new MedExplainInputException(folder, "folder not found.");
            }

            string[] scans = ScanFiles.In(folder, Math.Max(1, result.GetValue(maxItems)));
            var rows = new List<(string Scan, string Method, string Metric, double Value)>();
            var progress = new ProgressLines(console.Error);
            for (int s = 0; s < scans.Length; s++)
            {
                console.Error.WriteLine($"scan {s + 1}/{scans.Length}: {Path.GetFileName(scans[s])}");
                rows.AddRange(Evaluate(loaded, scans[s], result.GetValue(masks) ?? folder, chosenMethods, chosenMetrics, Math.Max(2, result.GetValue(steps))));
            }

            string outFolder = result.GetValue(output)!;
            Directory.CreateDirectory(outFolder);
            File.WriteAllText(Path.Combine(outFolder, "metrics.csv"), "scan,method,metric,value\n" + string.Concat(rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Scan},{r.Method},{r.Metric},{r.Value:R}\n"))));
            File.WriteAllText(Path.Combine(outFolder, "metrics.json"), System.Text.Json.JsonSerializer.Serialize(rows.Select(r => new { scan = r.Scan, method = r.Method, metric = r.Metric, value = r.Value }), JsonOutput.Options));
            WriteTable(console.Out, rows, chosenMethods, chosenMetrics);
            console.Out.WriteLine($"wrote {Path.Combine(outFolder, "metrics.csv")} and metrics.json ({rows.Count} values)");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static IEnumerable<(string, string, string, double)> Evaluate(OnnxModel model, string scanPath, string maskFolder, string[] methods, string[] metrics, int steps)
    {
        PreparedScan scan = ModelInputLoader.Prepare(scanPath, model);
        FloatTensor x = scan.Batch;
        var baseline = new FloatTensor(x.Shape);
        float[]? mask = Mask(scanPath, maskFolder, scan);
        var options = new AttributionOptions { Steps = 16, Samples = 16 };
        var faithfulness = new Faithfulness(model, options);
        string name = Path.GetFileName(scanPath);
        foreach (string method in methods)
        {
            Attribution attribution = AttributionMethods.Get(method).Attribute(model, x, ClassTarget.Predicted, options);
            int target = attribution.TargetClasses[0];
            float[] map = attribution.Values.Data;
            float[] spatial = ExplanationJob.SumChannels(map, x.Shape[1]);
            foreach (string metric in metrics)
            {
                double? value = metric switch
                {
                    "completeness" => faithfulness.Completeness(x, map, baseline, target),
                    "deletion" => faithfulness.Curve(x, map, baseline, target, steps, insertion: false).Area,
                    "insertion" => faithfulness.Curve(x, map, baseline, target, steps, insertion: true).Area,
                    "sensitivity-n" => faithfulness.SensitivityN(x, map, baseline, target, [Math.Max(1, map.Length / 100)], 20)[0].Correlation,
                    "infidelity" => faithfulness.Infidelity(x, map, target, 20, 0.1),
                    "max-sensitivity" => Robustness.MaxSensitivity(AttributionMethods.Get(method), model, x, target, options, 0.05, 3),
                    "pointing-game" when mask is not null => Localisation.PointingGame(spatial, mask),
                    "relevance-mass" when mask is not null => Localisation.RelevanceMass(spatial, mask),
                    "relevance-rank" when mask is not null => Localisation.RelevanceRank(spatial, mask),
                    "iou" when mask is not null => Localisation.Iou(spatial, mask),
                    "randomisation" => Randomisation.Spearman(map, AttributionMethods.Get(method).Attribute(Randomisation.Cascade(model, Randomisation.LayersFromTheTop(model).Count, 1), x, ClassTarget.Class(target), options).Values.Data),
                    _ => null,
                };
                if (value is double v)
                {
                    yield return (name, method, metric, v);
                }
            }
        }
    }

    private static float[]? Mask(string scanPath, string maskFolder, PreparedScan scan)
    {
        string stem = ScanFiles.Stem(scanPath);
        string? path = Directory.EnumerateFiles(maskFolder, stem + "-mask.*").Order(StringComparer.Ordinal).FirstOrDefault();
        if (path is null)
        {
            return null;
        }

        MedicalImage mask = MedicalImageReader.Read(path);
        return mask.Dims.SequenceEqual(scan.Scan.Dims) ? scan.Transform.ApplyLabels(mask.Voxels) : throw new MedExplainInputException(path, "does not match its scan's grid.");
    }

    private static void WriteTable(TextWriter w, List<(string Scan, string Method, string Metric, double Value)> rows, string[] methods, string[] metrics)
    {
        var header = new StringBuilder($"{"method",-24}");
        foreach (string metric in metrics)
        {
            header.Append(CultureInfo.InvariantCulture, $" {metric,15}");
        }

        w.WriteLine("mean over scans:");
        w.WriteLine(header);
        foreach (string method in methods)
        {
            var line = new StringBuilder($"{method,-24}");
            foreach (string metric in metrics)
            {
                double[] values = [.. rows.Where(r => r.Method == method && r.Metric == metric).Select(r => r.Value)];
                line.Append(values.Length == 0 ? $" {"-",15}" : string.Create(CultureInfo.InvariantCulture, $" {values.Average(),15:G4}"));
            }

            w.WriteLine(line);
        }
    }
}
