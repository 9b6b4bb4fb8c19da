using MedExplain.Pipelines;
using MedExplain.Pipelines.Viewing;
using System.CommandLine;
using System.Globalization;
using MedExplain.Cli.Explain;
using MedExplain.Cli.Reports;
using MedExplain.Imaging;
using MedExplain.Imaging.Dicom.Writing;
using MedExplain.Imaging.Rendering;
using MedExplain.Imaging.Npy;
using MedExplain.Methods;
using MedExplain.Methods.Propagation;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain explain</c>: scan in, prediction, maps on the scan's own grid (NIfTI, NPY, PNG) and an HTML report out.</summary>
internal static class ExplainCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string> model = CliOptions.Model();
        Option<string?> card = CliOptions.Card();
        Option<string> input = new("--input", "-i") { Description = $"The scan: {MedicalImageReader.SupportedFormats}.", Required = true };
        Option<string?> methods = new("--methods") { Description = $"Comma-separated methods; default: the card's recommended ones, else {string.Join(", ", Explainer.DefaultMethods)}. Available: {CliOptions.MethodsByFamily()}." };
        Option<string?> over = CliOptions.Over();
        Option<string> target = new("--target") { Description = "The class to explain: an index, or 'predicted'.", DefaultValueFactory = _ => "predicted" };
        Option<string?> mask = new("--mask") { Description = "A lesion mask on the scan's grid (any readable format), outlined in the figures." };
        Option<string> output = new("--out", "-o", "--output") { Description = "The folder for maps, figures and report.html.", Required = true };
        Option<string?> series = CliOptions.Series();
        Option<int> volume = CliOptions.Volume();
        Option<int?> slice = new("--slice") { Description = "For a 2D model and a volume: the slice to explain (after reorientation to the card's axes); default: the middle one." };
        Option<int> steps = new("--steps") { Description = $"Integrated Gradients: path points, 1 to {AttributionOptions.MaxSteps}.", DefaultValueFactory = _ => 32 };
        Option<int> samples = new("--samples") { Description = $"SmoothGrad family: noisy copies, 1 to {AttributionOptions.MaxSamples}.", DefaultValueFactory = _ => 32 };
        Option<int> seed = new("--seed") { Description = "Seed of every random draw.", DefaultValueFactory = _ => 0 };
        Option<string?> composite = new("--composite") { Description = $"lrp: the composite ({string.Join(", ", LrpComposite.Names)})." };
        Option<string?> background = new("--background") { Description = "deepshap and expected-gradients: an NPY batch of model-ready background inputs." };
        Option<string?> patterns = new("--patterns") { Description = "patternnet and pattern-attribution: the patterns file from fit-patterns (.npz)." };
        Option<string?> window = new("--window") { Description = "occlusion: window per spatial axis of the model grid (8, 4,8,8, or 10mm)." };
        Option<string?> stride = new("--stride") { Description = "occlusion: step between windows, as --window." };
        Option<string?> featureMask = new("--feature-mask") { Description = "Region methods: a label map on the scan's grid (an atlas or segmentation in any readable format); default: a patch grid (superpixels for lime)." };
        Option<string?> regionNames = new("--region-names") { Description = "Names of the --feature-mask labels: \"LABEL NAME\" per line." };
        Option<string?> atlas = new("--atlas") { Description = "An atlas or any label map on the scan's grid whose regions the plain-language summary names (AAL ships with the demo: demo/scans/2d/*-regions.*); default: the --feature-mask." };
        Option<string?> atlasNames = new("--atlas-names") { Description = "Names of the --atlas labels: \"LABEL NAME\" per line, or LABEL<TAB>NAME for names with spaces (demo/scans/2d/aal-regions-readable.tsv)." };
        Option<string?> confounder = new("--confounder") { Description = "A mask of a known confounder on the scan's grid (a burned-in marker, a ruler): the summary states how much relevance lies on it." };
        Option<string?> confounderName = new("--confounder-name") { Description = "What the confounder is, as the summary names it; default: the mask's file name (marker-area.png: \"marker area\")." };
        Option<string?> summaryTemplates = new("--summary-templates") { Description = "A translation of the summary's sentences: a copy of the English templates (docs/summaries.md) with each sentence translated and its {slots} kept." };
        Option<string?> index = new("--index") { Description = "A case index made by index with this model: the report shows the reference cases most like the scan, with where they are alike, and the summary their labels." };
        Option<int> similar = new("--similar") { Description = "How many similar cases --index shows.", DefaultValueFactory = _ => 5 };
        Option<long> maxMemory = CliOptions.MaxMemory();
        Option<string?> concepts = new("--concepts") { Description = "A CAV file from 'medexplain concepts' on this model (cavs.json): how this scan's logit of the study's class moves along each concept, beside the maps." };
        var uncertainty = new UncertaintyOptions();
        Option<string?> dicomOut = new("--dicom-out") { Description = "Also write each method's map for PACS: a DICOM Secondary Capture series (RGB, burned onto the windowed scan, marked not for diagnosis) and a Parametric Map (the float values on the scan's frame of reference), filed in the source's study and patient when the scan is DICOM." };
        var command = new Command("explain", "Explain a model's prediction on a scan: maps mapped back onto the scan's voxels (NIfTI with the scan's affine, NPY, PNG overlays) and a self-contained HTML report.")
        {
            model, card, input, methods, target, mask, output, series, volume, slice, steps, samples, seed, over, composite, background, patterns, window, stride, featureMask, regionNames, atlas, atlasNames, confounder, confounderName, summaryTemplates, index, similar, maxMemory, concepts, dicomOut,
        };
        uncertainty.AddTo(command);
        command.SetAction(result => console.Guard(() =>
        {
            using IDisposable? memory = CliOptions.MemoryScope(result, maxMemory, console);
            OutputLocation.CheckFolder(result.GetValue(output)!, "out", result.GetValue(input), result.GetValue(model), result.GetValue(mask), result.GetValue(featureMask), result.GetValue(atlas), result.GetValue(confounder));
            if (result.GetValue(dicomOut) is { } dicomFolder)
            {
                OutputLocation.CheckFolder(dicomFolder, "dicom-out", result.GetValue(input), result.GetValue(model), result.GetValue(mask), result.GetValue(featureMask), result.GetValue(atlas), result.GetValue(confounder));
            }

            string targetText = result.GetValue(target)!;
            string cardPath = result.GetValue(card) ?? MedExplain.Models.ModelCardReader.CardPathFor(result.GetValue(model)!);
            ClassTarget classTarget = CliOptions.Target(targetText, File.Exists(cardPath) ? MedExplain.Models.ModelCardReader.Read(cardPath).ClassNames : null);
            var options = new AttributionOptions
            {
                Steps = result.GetValue(steps),
                Samples = result.GetValue(samples),
                Seed = result.GetValue(seed),
                Over = result.GetValue(over),
                MaxMemoryBytes = result.GetValue(maxMemory),
                Composite = result.GetValue(composite),
                Background = result.GetValue(background) is { } backgroundFile ? NpyReader.Read(backgroundFile) : null,
                Patterns = result.GetValue(patterns) is { } patternFile ? new PatternSet(NpzArchive.Read(patternFile), new Dictionary<string, long>()) : null,
            };
            options.Validate(); // before the scan is read, not after the first methods ran
            var parameters = new Dictionary<string, string>
            {
                ["model"] = result.GetValue(model)!,
                ["input"] = result.GetValue(input)!,
                ["target"] = targetText,
                ["steps"] = options.Steps.ToString(CultureInfo.InvariantCulture),
                ["samples"] = options.Samples.ToString(CultureInfo.InvariantCulture),
                ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
                ["max memory"] = MemoryLimit.Format(options.MaxMemoryBytes),
                ["methods"] = result.GetValue(methods) ?? "the card's recommended methods (or the defaults)",
            };
            foreach ((string name, string? value) in new[]
            {
                ("card", result.GetValue(card)), ("mask", result.GetValue(mask)), ("series", result.GetValue(series)), ("slice", result.GetValue(slice)?.ToString(CultureInfo.InvariantCulture)),
                ("over", result.GetValue(over)), ("composite", result.GetValue(composite)), ("background", result.GetValue(background)), ("patterns", result.GetValue(patterns)),
                ("window", result.GetValue(window)), ("stride", result.GetValue(stride)), ("feature mask", result.GetValue(featureMask)), ("region names", result.GetValue(regionNames)),
                ("concepts", result.GetValue(concepts)), ("atlas", result.GetValue(atlas)), ("atlas names", result.GetValue(atlasNames)),
                ("confounder", result.GetValue(confounder)), ("confounder name", result.GetValue(confounderName)), ("summary templates", result.GetValue(summaryTemplates)), ("index", result.GetValue(index)),
            })
            {
                if (value is not null)
                {
                    parameters[name] = value;
                }
            }

            if (result.GetValue(volume) != 0)
            {
                parameters["volume"] = result.GetValue(volume).ToString(CultureInfo.InvariantCulture);
            }
            var sizes = new OcclusionSizes(
                result.GetValue(window) is { } w ? Extent.Parse(w, "window") : null,
                result.GetValue(stride) is { } st ? Extent.Parse(st, "stride") : null);
            var request = new ExplainRequest(
                result.GetValue(model)!, result.GetValue(card), result.GetValue(input)!,
                new ImageReadOptions(result.GetValue(series), result.GetValue(volume)), result.GetValue(slice),
                result.GetValue(methods)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                classTarget, options, result.GetValue(mask), parameters)
            {
                Occlusion = sizes,
                FeatureMaskPath = result.GetValue(featureMask),
                RegionNames = result.GetValue(regionNames) is { } namesFile ? RegionNameTable.Read(namesFile) : new Dictionary<int, string>(),
                ConceptVectorsPath = result.GetValue(concepts),
                AtlasPath = result.GetValue(atlas),
                AtlasNames = result.GetValue(atlasNames) is { } atlasNamesFile ? RegionNameTable.Read(atlasNamesFile) : new Dictionary<int, string>(),
                ConfounderMaskPath = result.GetValue(confounder),
                ConfounderName = result.GetValue(confounderName),
                CaseIndexPath = result.GetValue(index),
                SimilarCount = CliOptions.AtLeastOne(result.GetValue(similar), "similar"),
                SummaryTemplates = result.GetValue(summaryTemplates) is { } templatesFile ? MedExplain.Pipelines.Summaries.SummaryTemplates.Load(templatesFile) : null,
                Uncertainty = uncertainty.Settings(result, result.GetValue(maxMemory)),
            };
            string folder = result.GetValue(output)!;
            (string report, IReadOnlyList<MethodFailure> failures) = Run(console, [request], folder, $"MedExplain: {Path.GetFileName(request.InputPath.TrimEnd('/', '\\'))}", dicomOut: result.GetValue(dicomOut));
            console.Out.WriteLine($"report: {report}");
            return CliConsole.Failed(console, failures, report);
        }));
        return command;
    }

    /// <summary>Explains each request and writes all of them into one report; returns the report's path and the methods
    /// that failed (their errors are printed; the rest is written).</summary>
    /// <param name="console">Where lines go.</param>
    /// <param name="requests">The scans to explain.</param>
    /// <param name="folder">The report's folder.</param>
    /// <param name="title">The report's title.</param>
    /// <param name="overview">Lines for an overview at the top of the report, or null.</param>
    /// <param name="dicomOut">A folder for DICOM Secondary Capture series of the maps, or null.</param>
    public static (string Report, IReadOnlyList<MethodFailure> Failures) Run(CliConsole console, IReadOnlyList<ExplainRequest> requests, string folder, string title, IReadOnlyList<OverviewItem>? overview = null, string? dicomOut = null)
    {
        var failures = new List<MethodFailure>();
        Directory.CreateDirectory(folder);
        var report = new HtmlReport(title);
        if (overview is { Count: > 0 })
        {
            report.AddOverview("Overview", overview);
        }

        string[] stems = Stems(requests);
        var listed = new List<ExplainedCase>();
        foreach ((ExplainRequest request, string stem) in requests.Zip(stems))
        {
            Explanation explanation = Explainer.Explain(request, console.Out.WriteLine, method => console.Progress(method));
            console.Out.WriteLine(explanation.Segmentation is { } segmentation
                ? $"{request.InputPath}: segmentation; explaining the predicted region of {explanation.Prediction.ClassName} ({segmentation.OnScan.Volumes[segmentation.Region].Voxels} voxels, {segmentation.OnScan.Volumes[segmentation.Region].Millilitres:0.###} mL, mean probability {explanation.Prediction.Confidence * 100:0.0}%)"
                : $"{request.InputPath}: {explanation.Prediction.ClassName} ({explanation.Prediction.Confidence * 100:0.0}%)");
            if (explanation.Uncertainty is { } measured)
            {
                console.Out.WriteLine($"uncertainty ({measured.Method}): {PredictionText.Uncertainty(measured.Measures, explanation.ClassNames)}");
            }

            if (explanation.Summary is { } summary)
            {
                console.Out.WriteLine($"in brief: {summary.Text}");
            }

            foreach (MethodAgreement pair in explanation.Agreement.Where(p => p.Disagree))
            {
                console.Out.WriteLine(FormattableString.Invariant($"warning: {pair.First} and {pair.Second} disagree about where the evidence is (Spearman ρ {pair.RankCorrelation:0.00} of |map|)"));
            }

            foreach (MedExplain.Pipelines.Concepts.ScanConceptScore score in explanation.Concepts?.Scores ?? [])
            {
                console.Out.WriteLine(FormattableString.Invariant($"concept {score.Concept} at {score.Layer}: the {explanation.Concepts!.ClassName ?? "class"} logit rises along {score.Rising} of its {score.Cavs} CAVs (mean derivative {score.MeanDerivative:G3})"));
            }

            (IReadOnlyList<ColourScale> scales, ExplainedCase written) = ExplanationWriter.Write(explanation, folder, stem, report, console.Out);
            listed.Add(written);
            if (dicomOut is not null)
            {
                DicomFilingAttributes? filing = DicomFilingAttributes.Read(request.InputPath, request.Read.SeriesInstanceUid);
                for (int m = 0; m < explanation.Maps.Count; m++)
                {
                    MethodMap map = explanation.Maps[m];
                    (string seriesFolder, int images, string? parametric) = MapsForPacs.Write(dicomOut, $"{stem}-{map.Method}", explanation.Input.Scan, map.OnScan, map.Method, scales[m], $"{map.Method} map of model {explanation.ModelName}", filing, DateTimeOffset.Now);
                    console.Out.WriteLine($"DICOM Secondary Capture series ({images} images, not for diagnosis{(filing is null ? "; the scan is not DICOM, so a new study" : ", in the source's study")}): {seriesFolder}");
                    console.Out.WriteLine(parametric is null
                        ? "No DICOM Parametric Map: the scan has no position in space (PNG, NPY) to place its frames by."
                        : $"DICOM Parametric Map (the float values on the scan's frame of reference): {parametric}");
                }
            }

            failures.AddRange(explanation.Failures);
        }

        string path = Path.Combine(folder, "report.html");
        report.Save(path);
        CaseList.Write(folder, listed);
        return (path, failures);
    }

    /// <summary>The name each request's files and report section go under: the scan's stem, and for a scan already
    /// named in the run (the same scan under two models, or two folders' scans of one name) the model's name after it,
    /// so that no file or section overwrites another.</summary>
    public static string[] Stems(IReadOnlyList<ExplainRequest> requests)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var stems = new string[requests.Count];
        for (int i = 0; i < requests.Count; i++)
        {
            string stem = ScanFolder.Stem(requests[i].InputPath);
            string candidate = used.Contains(stem) ? $"{stem}-{Path.GetFileNameWithoutExtension(requests[i].ModelPath)}" : stem;
            for (int n = 2; used.Contains(candidate); n++)
            {
                candidate = $"{stem}-{n}";
            }

            used.Add(candidate);
            stems[i] = candidate;
        }

        return stems;
    }
}
