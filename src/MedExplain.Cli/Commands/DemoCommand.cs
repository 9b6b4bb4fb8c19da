using MedExplain.Pipelines;
using System.CommandLine;
using MedExplain.Cli.Demo;
using MedExplain.Cli.Explain;
using MedExplain.Cli.Reports;
using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Prediction;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain demo</c>: the main job on the bundled models and scans, with nothing to download.</summary>
internal static class DemoCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string?> demoDir = new("--demo-dir")
        {
            Description = "The demo folder (models/ and scans/); defaults to the copy shipped with the program.",
        };
        Option<string> output = new("--out", "--output")
        {
            Description = "Where to write the attribution figures.",
            DefaultValueFactory = _ => "medexplain-demo-output",
        };
        Option<bool> noMaps = new("--no-maps")
        {
            Description = "Only predict; skip the attribution figures.",
        };
        var command = new Command("demo", "Run MedExplain on the bundled demo: brain-MRI lesion classifiers (2D, 3D, and one that learned a shortcut) on sample scans, with attribution figures.")
        {
            demoDir, output, noMaps,
        };
        command.SetAction(result => console.Guard(() =>
        {
            string folder = DemoManifest.Locate(result.GetValue(demoDir));
            DemoManifest manifest = DemoManifest.Read(folder);
            foreach (IGrouping<string, DemoManifest.Sample> group in manifest.Samples.GroupBy(s => s.Model))
            {
                RunModel(console, folder, group.Key, [.. group], result.GetValue(noMaps) ? null : result.GetValue(output));
            }

            if (!result.GetValue(noMaps))
            {
                (string report, _) = ExplainCommand.Run(console, [.. ReportSamples(manifest).Select(s => ReportRequest(folder, s))], Path.Combine(result.GetValue(output)!, "report"), "MedExplain demo: brain-MRI lesion models on the bundled scans");
                console.Out.WriteLine($"== HTML report (maps on the scans' own grids, NIfTI overlays, metadata): {report}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>One sample of each class per model: enough to see each model's reasons without a long wait.</summary>
    private static IEnumerable<DemoManifest.Sample> ReportSamples(DemoManifest manifest) =>
        manifest.Samples.GroupBy(s => (s.Model, s.Truth)).Select(g => g.First());

    /// <summary>Explains the NIfTI twin of a sample where there is one, so the report shows real geometry.</summary>
    private static ExplainRequest ReportRequest(string folder, DemoManifest.Sample sample)
    {
        string scan = NiftiTwin(Path.Combine(folder, "scans", sample.Scan));
        string? mask = sample.LesionMask is { } m ? NiftiTwin(Path.Combine(folder, "scans", m)) : null;
        bool sameKind = mask is null || scan.EndsWith(".nii.gz", StringComparison.Ordinal) == mask.EndsWith(".nii.gz", StringComparison.Ordinal);
        return new ExplainRequest(
            Path.Combine(folder, "models", sample.Model + ".onnx"), null, scan, new ImageReadOptions(), null, null, ClassTarget.Predicted,
            new AttributionOptions { Steps = 16, Samples = 16 }, sameKind ? mask : null,
            new Dictionary<string, string> { ["model"] = sample.Model, ["truth"] = sample.Truth, ["steps"] = "16", ["samples"] = "16", ["target"] = "predicted" });
    }

    private static string NiftiTwin(string path)
    {
        string twin = Path.ChangeExtension(path, null) + ".nii.gz";
        return File.Exists(twin) ? twin : path;
    }

    private static void RunModel(CliConsole console, string folder, string modelName, IReadOnlyList<DemoManifest.Sample> samples, string? figures)
    {
        TextWriter w = console.Out;
        using OnnxModel model = OnnxModel.Load(Path.Combine(folder, "models", modelName + ".onnx"));
        string[] scans = [.. samples.Select(s => Path.Combine(folder, "scans", s.Scan))];
        FloatTensor batch = FloatTensor.Concatenate([.. scans.Select(scan => ModelInputLoader.Load(scan, model.InputSpec))]);
        PredictionResult result = new Predictor(model).Predict(batch, string.Join(", ", samples.Select(s => s.Scan)));

        w.WriteLine($"== {modelName}: {model.Card?.Description}");
        if (model.Card is { Evaluation.Count: > 0 } card)
        {
            w.WriteLine($"   measured at training: {string.Join(", ", card.Evaluation.Select(e => $"{e.Key} {(e.Key.Contains("Accuracy", StringComparison.Ordinal) ? PredictionText.Percent(e.Value) : e.Value)}"))}");
        }

        int right = 0;
        for (int i = 0; i < samples.Count; i++)
        {
            ClassPrediction item = result.Items[i];
            bool correct = item.ClassName == samples[i].Truth;
            right += correct ? 1 : 0;
            w.WriteLine($"   {(correct ? "ok  " : "MISS")} {samples[i].Scan,-48} truth {samples[i].Truth,-8} -> {PredictionText.Line(item, result.ClassNames)}");
        }

        w.WriteLine($"   {right}/{samples.Count} sample scans right, {result.Items.Count} scans in {result.Runs} run(s)");
        if (figures is not null)
        {
            string panel = DemoPanel.Write(Path.Combine(folder, "models", modelName + ".onnx"), modelName, samples, folder, figures);
            w.WriteLine($"   attribution figure ({string.Join(", ", DemoPanel.Methods)}): {panel}");
            DemoEvaluation.Run(console, model, modelName, folder, samples, figures);
        }

        w.WriteLine();
    }
}
