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
        var command = new Command("demo", "Run MedExplain on the bundled demo: brain-MRI lesion classifiers (2D and 3D CNNs, a 2D vision transformer, and two that learned a shortcut) on sample scans, with attribution figures.")
        {
            demoDir, output, noMaps,
        };
        command.SetAction(result => console.Guard(() =>
        {
            string folder = DemoManifest.Locate(result.GetValue(demoDir));
            DemoManifest manifest = DemoManifest.Read(folder);
            string? figures = result.GetValue(noMaps) ? null : result.GetValue(output);
            ModelRun[] runs = [.. manifest.Samples.GroupBy(s => s.Model).Select(group => RunModel(console, folder, group.Key, [.. group], figures))];
            if (figures is not null)
            {
                string reportFolder = Path.Combine(figures, "report");
                DemoManifest.Sample[] shown = [.. ReportSamples(manifest, runs)];
                string? cases = CaseIndexOfThePool(console, folder, figures);
                ExplainRequest[] requests = [.. shown.Select(s => ReportRequest(folder, s) with { CaseIndexPath = s.Model == PoolModel ? cases : null })];
                Dictionary<DemoManifest.Sample, string> anchors = shown.Zip(ExplainCommand.Stems(requests)).ToDictionary(p => p.First, p => p.Second);
                (string report, _) = ExplainCommand.Run(console, requests, reportFolder, "MedExplain demo: brain-MRI lesion models on the bundled scans", Overview(runs, reportFolder, anchors));
                console.Out.WriteLine($"== HTML report (overview with the evaluation reports and the misclassified scans; maps on the scans' own grids, NIfTI overlays, metadata): {report}");
                console.Out.WriteLine($"== in the browser (docs/viewer.md): medexplain study add-rater --db viewer.db --rater me, then medexplain serve --cases {reportFolder} --db viewer.db");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>One sample of each class per model, and every sample the model got wrong: the misses are where a
    /// model's reasons show (the shortcut model's marker slices).</summary>
    private static IEnumerable<DemoManifest.Sample> ReportSamples(DemoManifest manifest, IReadOnlyList<ModelRun> runs)
    {
        HashSet<DemoManifest.Sample> missed = [.. runs.SelectMany(r => r.Misses.Select(m => m.Sample))];
        var firstOfClass = manifest.Samples.GroupBy(s => (s.Model, s.Truth)).Select(g => g.First()).ToHashSet();
        return manifest.Samples.Where(s => firstOfClass.Contains(s) || missed.Contains(s));
    }

    /// <summary>The report's overview: per model, its score on the samples, its misclassified scans (linked to their
    /// sections), the evaluation's findings, and links to its evaluation report and panel.</summary>
    private static List<OverviewItem> Overview(IReadOnlyList<ModelRun> runs, string reportFolder, Dictionary<DemoManifest.Sample, string> anchors)
    {
        string Relative(string path) => Path.GetRelativePath(reportFolder, path).Replace('\\', '/');
        var items = new List<OverviewItem>();
        foreach (ModelRun run in runs)
        {
            List<ReportLink> links = [];
            if (run.Panel is { } panel)
            {
                links.Add(new ReportLink("attribution panel", Relative(panel)));
            }

            if (run.EvaluationReport is { } evaluation)
            {
                links.Add(new ReportLink("evaluation report (faithfulness, localisation)", Relative(evaluation)));
            }

            if (run.ConceptReport is { } concepts)
            {
                links.Add(new ReportLink("concept report (TCAV, lesion area)", Relative(concepts)));
            }

            items.Add(new OverviewItem($"{run.Model}: {run.Right}/{run.Total} sample scans right.", links));
            items.AddRange(run.Misses.Select(m => new OverviewItem(
                $"Misclassified: {Path.GetFileName(m.Sample.Scan)}, truth {m.Sample.Truth}, predicted {m.Predicted}.",
                [new ReportLink("its maps", "#" + anchors[m.Sample])], Emphasis: true)));
            items.AddRange(run.Findings.Select(f => new OverviewItem($"Finding ({run.Model}): {f.Text}", [], Emphasis: true)));
            if (run.ConceptSummary is { } summary)
            {
                items.Add(new OverviewItem(summary, []));
            }
        }

        return items;
    }

    /// <summary>The model whose report shows similar cases from the demo's screening pool.</summary>
    private const string PoolModel = "brain-lesion-2d";

    /// <summary>Indexes the demo's screening pool (concepts/random: 100 slices, the class in each name) with the 2D
    /// model, so its report sections show each scan's most similar reference cases; null when the pool is missing.</summary>
    private static string? CaseIndexOfThePool(CliConsole console, string folder, string output)
    {
        string pool = Path.Combine(folder, "concepts", "random");
        if (!Directory.Exists(pool))
        {
            return null;
        }

        string indexFolder = Path.Combine(output, "cases", PoolModel);
        using var model = Onnx.OnnxModel.Load(Path.Combine(folder, "models", PoolModel + ".onnx"));
        Pipelines.Cases.CaseIndex index = Pipelines.Cases.CaseIndex.OpenOrCreate(indexFolder, model);
        string[] scans = [.. Directory.GetFiles(pool, "*.png").Order(StringComparer.Ordinal)];
        index.AddScans(model, [.. scans.Select(s => (s, (string?)Path.GetFileNameWithoutExtension(s).Split('-')[^1]))], 1L << 30);
        console.Out.WriteLine($"== case index of the screening pool for {PoolModel}: {index.Cases.Count} slices, {indexFolder}");
        return indexFolder;
    }

    /// <summary>Explains the NIfTI twin of a sample where there is one, so the report shows real geometry.</summary>
    private static ExplainRequest ReportRequest(string folder, DemoManifest.Sample sample)
    {
        string scan = NiftiTwin(Path.Combine(folder, "scans", sample.Scan));
        string? mask = sample.LesionMask is { } m ? NiftiTwin(Path.Combine(folder, "scans", m)) : null;
        string? atlas = sample.Regions is { } r ? NiftiTwin(Path.Combine(folder, "scans", r)) : null;
        string? confounder = sample.ConfounderMask is { } c ? NiftiTwin(Path.Combine(folder, "scans", c)) : null;
        bool SameKind(string? labels) => labels is null || scan.EndsWith(".nii.gz", StringComparison.Ordinal) == labels.EndsWith(".nii.gz", StringComparison.Ordinal);
        string names = Path.Combine(folder, "scans", "2d", "aal-regions-readable.tsv");
        return new ExplainRequest(
            Path.Combine(folder, "models", sample.Model + ".onnx"), null, scan, new ImageReadOptions(), null, null, ClassTarget.Predicted,
            new AttributionOptions { Steps = 16, Samples = 16 }, SameKind(mask) ? mask : null,
            new Dictionary<string, string> { ["model"] = sample.Model, ["truth"] = sample.Truth, ["steps"] = "16", ["samples"] = "16", ["target"] = "predicted" })
        {
            // The summary names AAL regions on the 2D slices and the marker area on the shortcut slices.
            AtlasPath = SameKind(atlas) ? atlas : null,
            AtlasNames = atlas is not null && File.Exists(names) ? RegionNameTable.Read(names) : new Dictionary<int, string>(),
            ConfounderMaskPath = SameKind(confounder) ? confounder : null,
        };
    }

    private static string NiftiTwin(string path)
    {
        string twin = Path.ChangeExtension(path, null) + ".nii.gz";
        return File.Exists(twin) ? twin : path;
    }

    /// <summary>What one model's part of the demo found, for the report's overview.</summary>
    private sealed record ModelRun(string Model, int Right, int Total, IReadOnlyList<(DemoManifest.Sample Sample, string Predicted)> Misses, string? Panel, string? EvaluationReport, IReadOnlyList<Finding> Findings)
    {
        public string? ConceptReport { get; init; }

        public string? ConceptSummary { get; init; }
    }

    private static ModelRun RunModel(CliConsole console, string folder, string modelName, IReadOnlyList<DemoManifest.Sample> samples, string? figures)
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
        var misses = new List<(DemoManifest.Sample, string)>();
        for (int i = 0; i < samples.Count; i++)
        {
            ClassPrediction item = result.Items[i];
            bool correct = item.ClassName == samples[i].Truth;
            right += correct ? 1 : 0;
            if (!correct)
            {
                misses.Add((samples[i], $"{item.ClassName} {item.Confidence * 100:0.0}%"));
            }

            w.WriteLine($"   {(correct ? "ok  " : "MISS")} {samples[i].Scan,-48} truth {samples[i].Truth,-8} -> {PredictionText.Line(item, result.ClassNames)}");
        }

        w.WriteLine($"   {right}/{samples.Count} sample scans right, {result.Items.Count} scans in {result.Runs} run(s)");
        string? panel = null, evaluationReport = null, conceptReport = null, conceptSummary = null;
        IReadOnlyList<Finding> findings = [];
        if (figures is not null)
        {
            panel = DemoPanel.Write(model, Path.Combine(folder, "models", modelName + ".onnx"), modelName, samples, folder, figures);
            w.WriteLine($"   attribution figure ({string.Join(", ", DemoPanel.MethodsFor(model))}): {panel}");
            (EvaluationResult evaluation, evaluationReport) = DemoEvaluation.Run(console, model, modelName, folder, samples, figures);
            findings = evaluation.Findings;
            (conceptReport, conceptSummary) = DemoConcepts.Run(console, model, modelName, folder, figures);
        }

        w.WriteLine();
        return new ModelRun(modelName, right, samples.Count, misses, panel, evaluationReport, findings) { ConceptReport = conceptReport, ConceptSummary = conceptSummary };
    }
}
