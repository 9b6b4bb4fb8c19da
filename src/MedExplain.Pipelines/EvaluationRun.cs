using MedExplain.Batching;
using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Metrics;
using MedExplain.Onnx;

namespace MedExplain.Pipelines;

/// <summary>What to evaluate and how.</summary>
/// <param name="Methods">The methods.</param>
/// <param name="Metrics">The metrics (<see cref="EvaluationMetrics.All"/>, or a program's own).</param>
/// <param name="Steps">Deletion/insertion steps.</param>
/// <param name="Repeats">Runs with seeds 0..Repeats-1 for repeatability.</param>
/// <param name="Replicas">Identically trained models, each one more run.</param>
/// <param name="ShuffledLabels">A model trained on shuffled labels, for the data randomisation check.</param>
/// <param name="CurvesByAtlas">Delete and insert whole atlas regions rather than voxels.</param>
/// <param name="Options">The methods' options (seed 0).</param>
public sealed record EvaluationSettings(
    IReadOnlyList<string> Methods,
    IReadOnlyList<IMetric> Metrics,
    int Steps,
    int Repeats,
    IReadOnlyList<OnnxModel> Replicas,
    OnnxModel? ShuffledLabels,
    bool CurvesByAtlas,
    AttributionOptions Options)
{
    /// <summary>The most deletion/insertion steps.</summary>
    public const int MaxSteps = 1000;

    /// <summary>The most repeated runs.</summary>
    public const int MaxRepeats = 20;

    /// <summary>Gets how sure the model is of each scan, measured beside the maps (null: not measured); under test-time
    /// augmentation each map's top-region overlap across the augmentations is measured too ("tta-top-overlap").</summary>
    public UncertaintySettings? Uncertainty { get; init; }

    /// <summary>Checks the settings, naming the first value that cannot be used: the one validation every entry point uses.</summary>
    /// <exception cref="MedExplainParameterException">A method is unknown or a value is out of range.</exception>
    public void Validate()
    {
        foreach (string method in Methods)
        {
            AttributionMethods.Get(method);
        }

        if (Steps is < 2 or > MaxSteps)
        {
            throw new MedExplainParameterException("steps", $"must be from 2 to {MaxSteps}, not {Steps}.");
        }

        if (Repeats is < 1 or > MaxRepeats)
        {
            throw new MedExplainParameterException("repeats", $"must be from 1 to {MaxRepeats}, not {Repeats}.");
        }

        Options.Validate();
    }

    /// <summary>The chosen metrics that no scan can have, with what they lack (so a caller can say so up front).</summary>
    /// <param name="items">The scans.</param>
    public IReadOnlyList<(IMetric Metric, MetricNeeds Missing)> Unavailable(IReadOnlyList<EvaluationItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        bool Lacks(MetricNeeds needs) => needs switch
        {
            MetricNeeds.LesionMask => items.All(i => i.LesionMask is null),
            MetricNeeds.ConfounderMask => items.All(i => i.Confounder is null),
            MetricNeeds.Atlas => items.All(i => i.Atlas is null),
            MetricNeeds.SecondRun => Repeats < 2 && Replicas.Count == 0,
            MetricNeeds.ShuffledLabelsModel => ShuffledLabels is null,
            _ => false,
        };
        return [.. Metrics.Where(m => Lacks(m.Needs)).Select(m => (m, m.Needs))];
    }
}

/// <summary>One number: a metric of one method's map of one scan.</summary>
/// <param name="Scan">The scan's file name.</param>
/// <param name="Method">The method.</param>
/// <param name="Metric">The metric.</param>
/// <param name="Value">Its value.</param>
public sealed record MetricValue(string Scan, string Method, string Metric, double Value);

/// <summary>A method's deletion or insertion curve (or sensitivity-n over its subset sizes), averaged over the scans.</summary>
/// <param name="Method">The method.</param>
/// <param name="Metric">The metric.</param>
/// <param name="Scores">The mean score at each step.</param>
public sealed record MeanCurve(string Method, string Metric, double[] Scores);

/// <summary>Everything an evaluation found.</summary>
/// <param name="Values">Every metric of every method's map of every scan.</param>
/// <param name="Curves">The mean curves.</param>
public sealed record EvaluationResult(IReadOnlyList<MetricValue> Values, IReadOnlyList<MeanCurve> Curves)
{
    /// <summary>Gets the methods that failed and why; the others' values are complete.</summary>
    public IReadOnlyList<MethodFailure> Failures { get; init; } = [];

    /// <summary>Gets what the numbers say as a whole (such as a shortcut the maps expose), for every report to carry.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>Gets how sure the model was of each scan, when <see cref="EvaluationSettings.Uncertainty"/> asked.</summary>
    public IReadOnlyList<ScanCertainty> Uncertainty { get; init; } = [];

    /// <summary>Gets how the uncertainty was measured, or null.</summary>
    public string? UncertaintyMethod { get; init; }
}

/// <summary>How sure the model was of one scan.</summary>
/// <param name="Scan">The scan's file name.</param>
/// <param name="Measures">The measures.</param>
public sealed record ScanCertainty(string Scan, MedExplain.Uncertainty.PredictiveUncertainty Measures);

/// <summary>A conclusion an evaluation draws, with the numbers it rests on.</summary>
/// <param name="Kind">A stable name ("confounder").</param>
/// <param name="Text">The conclusion, in a sentence or two.</param>
/// <param name="Numbers">The numbers, by name.</param>
public sealed record Finding(string Kind, string Text, IReadOnlyDictionary<string, double> Numbers);

/// <summary>One scan to evaluate on, with its lesion mask, atlas labels and confounder mask where there are any.</summary>
/// <param name="Scan">The scan.</param>
/// <param name="LesionMask">Where the finding is.</param>
/// <param name="Atlas">Anatomical labels (0 = background).</param>
/// <param name="Confounder">Where something the model should not use is: a burned-in marker, a ruler, text.</param>
public sealed record EvaluationItem(string Scan, string? LesionMask, string? Atlas, string? Confounder = null)
{
    /// <summary>Gets the scan's true label, when a manifest gives one ("truth").</summary>
    public string? Truth { get; init; }
}

/// <summary>
/// Evaluates methods on a set of scans: each method's maps of every scan first, then each cohort metric (the curves) of
/// all scans in one batched stream through the shared runner, then the per-scan metrics with the other maps they compare
/// with. One instance runs once. The use case behind <c>medexplain evaluate</c>, for any program.
/// </summary>
/// <param name="model">The model.</param>
/// <param name="settings">The methods, metrics and their settings.</param>
/// <param name="progress">Gives each stage's progress receiver (labelled "maps: METHOD", "deletion: METHOD", …).</param>
public sealed class EvaluationRun(OnnxModel model, EvaluationSettings settings, Func<string, IProgress<BatchProgress>> progress)
{
    /// <summary>Gets the subset sizes of sensitivity-n as fractions of the features: 0.1%, 1% and 10%.</summary>
    public static IReadOnlyList<double> SensitivityFractions => SensitivityNMetric.Fractions;

    private readonly Faithfulness _faithfulness = new(model, settings.Options);
    private readonly List<MetricValue> _values = [];
    private readonly List<MeanCurve> _curves = [];

    /// <summary>Evaluates on <paramref name="items"/>.</summary>
    /// <param name="items">The scans with their masks and atlases.</param>
    /// <exception cref="MedExplainInputException">A scan or a mask is missing or broken, or curves by atlas lack an atlas.</exception>
    /// <exception cref="MedExplainParameterException">The settings are out of range.</exception>
    public EvaluationResult Run(IReadOnlyList<EvaluationItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        settings.Validate();
        Scan[] scans = [.. items.Select(Prepare)];
        if (settings.Uncertainty is not null && Prediction.Segmenter.Segments(model))
        {
            throw new MedExplainParameterException("uncertainty", "on a segmentation model gives voxel maps (UncertaintyEstimate.Voxels, written by prediction with uncertainty); evaluations cover classifiers.");
        }

        (ScanCertainty[] certainty, string? certaintyMethod) = Certainty(scans);
        var failures = new List<MethodFailure>();
        foreach (string methodName in settings.Methods)
        {
            try
            {
                IAttributionMethod method = AttributionMethods.Get(methodName);
                AddMetrics(method, methodName, scans, Maps(method, methodName, model, scans, settings.Options));
            }
            catch (MedExplainInputException e)
            {
                // The other methods still run; what this one finished before failing stays in the values.
                failures.Add(new MethodFailure(methodName, e));
            }
        }

        Finding[] findings = [.. new[] { ConfounderFinding(scans), CertaintyFinding(certainty) }.OfType<Finding>()];
        return new EvaluationResult(_values, _curves) { Failures = failures, Findings = findings, Uncertainty = certainty, UncertaintyMethod = certaintyMethod };
    }

    /// <summary>Evaluates maps made elsewhere (by a batch worker, which writes them too): the metrics of one method's maps
    /// of <paramref name="items"/>, without the cohort's findings or uncertainty.</summary>
    /// <param name="methodName">The method that made the maps.</param>
    /// <param name="items">The scans with their masks and atlases.</param>
    /// <param name="maps">Each scan's map, made by that method with the settings' options on the scan as the model takes it.</param>
    /// <exception cref="MedExplainInputException">A scan or a mask is missing or broken.</exception>
    /// <exception cref="MedExplainParameterException">The settings are out of range.</exception>
    public EvaluationResult Evaluate(string methodName, IReadOnlyList<EvaluationItem> items, IReadOnlyList<Attribution> maps)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(maps);
        if (maps.Count != items.Count)
        {
            throw new ArgumentException($"{maps.Count} maps for {items.Count} scans.", nameof(maps));
        }

        settings.Validate();
        AddMetrics(AttributionMethods.Get(methodName), methodName, [.. items.Select(Prepare)], [.. maps]);
        return new EvaluationResult(_values, _curves);
    }

    /// <summary>Every chosen metric of one method's maps.</summary>
    private void AddMetrics(IAttributionMethod method, string methodName, Scan[] scans, Attribution[] attributions)
    {
        int[] targets = [.. attributions.Select(a => a.TargetClasses[0])];
        float[][] maps = [.. attributions.Select(a => a.Values.Data)];
        AddCohortMetrics(methodName, scans, maps, targets);
        AddScanMetrics(method, methodName, scans, maps, targets);
        AddStability(method, methodName, scans, targets);
    }

    /// <summary>Each scan's predictive uncertainty, when the settings ask for it.</summary>
    private (ScanCertainty[] Scans, string? Method) Certainty(Scan[] scans)
    {
        if (settings.Uncertainty is not { } how)
        {
            return ([], null);
        }

        IProgress<BatchProgress> bar = progress("uncertainty");
        string? method = null;
        var result = new ScanCertainty[scans.Length];
        for (int i = 0; i < scans.Length; i++)
        {
            (IReadOnlyList<MedExplain.Uncertainty.PredictiveUncertainty> measures, method) = UncertaintyEstimate.Of(model, scans[i].Input, how with { Seed = how.Seed + i });
            result[i] = new ScanCertainty(scans[i].Name, measures[0]);
            bar.Report(new BatchProgress(i + 1, scans.Length, i + 1));
        }

        return (result, method);
    }

    /// <summary>Under test-time augmentation, how much of each map's strongest 10% stays put across the augmentations.</summary>
    private void AddStability(IAttributionMethod method, string methodName, Scan[] scans, int[] targets)
    {
        if (settings.Uncertainty?.Source != UncertaintySource.TestTimeAugmentation)
        {
            return;
        }

        IProgress<BatchProgress> bar = progress($"stability: {methodName}");
        for (int i = 0; i < scans.Length; i++)
        {
            IReadOnlyList<MedExplain.Uncertainty.Augmentation> augmentations = MedExplain.Uncertainty.TestTimeAugmentation.Standard(scans[i].Input.Shape);
            double overlap = MedExplain.Uncertainty.TestTimeAugmentation.Explain(model, scans[i].Input, method, targets[i], augmentations, settings.Options).TopOverlap;
            _values.Add(new MetricValue(scans[i].Name, methodName, StabilityMetric, overlap));
            bar.Report(new BatchProgress(i + 1, scans.Length, i + 1));
        }
    }

    /// <summary>The name the maps' stability under test-time augmentation is recorded under.</summary>
    public const string StabilityMetric = "tta-top-overlap";

    /// <summary>The scans the model is least sure of, by mutual information (its own uncertainty).</summary>
    private static Finding? CertaintyFinding(ScanCertainty[] certainty)
    {
        if (certainty.Length == 0)
        {
            return null;
        }

        double mean = certainty.Average(c => c.Measures.MutualInformation);
        ScanCertainty most = certainty.MaxBy(c => c.Measures.MutualInformation)!;
        return new Finding(
            "uncertainty",
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Mean mutual information {mean:0.####} nats over {certainty.Length} scans (0: the samples agree); the model is least sure of {most.Scan} ({most.Measures.MutualInformation:0.####} nats, predictive entropy {most.Measures.PredictiveEntropy:0.####}): read its maps with care."),
            new Dictionary<string, double> { ["meanMutualInformation"] = mean, ["largestMutualInformation"] = most.Measures.MutualInformation });
    }

    private void AddCohortMetrics(string methodName, Scan[] scans, float[][] maps, int[] targets)
    {
        foreach (ICohortMetric metric in settings.Metrics.OfType<ICohortMetric>())
        {
            var cohort = new CohortEvidence(
                [.. scans.Select(s => s.Input)], maps, targets, [.. scans.Select(s => settings.CurvesByAtlas ? s.AtlasPerElement : null)],
                settings.Steps, _faithfulness, progress($"{metric.Name}: {methodName}"));
            CohortValues result = metric.Compute(cohort);
            _values.AddRange(result.PerScan.Select((value, i) => new MetricValue(scans[i].Name, methodName, metric.Name, value)));
            _curves.Add(new MeanCurve(methodName, metric.Name, result.MeanCurve));
        }
    }

    /// <summary>The metrics of one scan's map, with its masks, atlas, other runs or other models' maps.</summary>
    private void AddScanMetrics(IAttributionMethod method, string methodName, Scan[] scans, float[][] maps, int[] targets)
    {
        IScanMetric[] metrics = [.. settings.Metrics.OfType<IScanMetric>()];
        MetricEvidence evidence = metrics.Aggregate(MetricEvidence.None, (all, m) => all | m.Evidence);
        List<float[]>[] runs = evidence.HasFlag(MetricEvidence.Runs) ? Runs(method, methodName, scans, maps, targets) : [.. maps.Select(m => new List<float[]> { m })];
        Attribution[]? randomised = evidence.HasFlag(MetricEvidence.RandomisedModel)
            ? Maps(method, methodName + " (randomised model)", Randomisation.Cascade(model, Randomisation.LayersFromTheTop(model).Count, 1), scans, settings.Options, targets)
            : null;
        Attribution[]? shuffled = settings.ShuffledLabels is { } other && evidence.HasFlag(MetricEvidence.ShuffledLabelsModel)
            ? Maps(method, methodName + " (shuffled-labels model)", other, scans, settings.Options, targets)
            : null;
        var context = new MapContext(model, method, settings.Options, _faithfulness);
        for (int i = 0; i < scans.Length; i++)
        {
            Scan scan = scans[i];
            var evidenceOfScan = new ScanEvidence(scan.Input, maps[i], targets[i], scan.Mask, scan.Atlas, scan.Confounder, runs[i], randomised?[i].Values.Data, shuffled?[i].Values.Data, context);
            foreach (IScanMetric metric in metrics)
            {
                if (metric.Compute(evidenceOfScan) is double value)
                {
                    _values.Add(new MetricValue(scan.Name, methodName, metric.Name, value));
                }
            }
        }
    }

    /// <summary>Whether the maps lean on the confounder: the relevance its area holds (mean over methods and scans) against
    /// its share of the image. Three times its share or more says the model decides by it (a shortcut).</summary>
    private Finding? ConfounderFinding(Scan[] scans)
    {
        double[] shares = [.. scans.Where(s => s.Confounder is not null).Select(s => s.Confounder!.Count(v => v > 0) / (double)s.Confounder!.Length)];
        double[] masses = [.. _values.Where(v => v.Metric == "confounder-mass").Select(v => v.Value)];
        if (shares.Length == 0 || masses.Length == 0)
        {
            return null;
        }

        double share = shares.Average(), mass = masses.Average(), ratio = mass / share;
        string verdict = ratio >= 3
            ? "The maps point at the confounder: the model decides by it, not by the finding (a shortcut)."
            : "The maps do not single out the confounder.";
        return new Finding(
            "confounder",
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The confounder area is {share * 100:0.0}% of the image but holds {mass * 100:0.0}% of the positive attribution on the scans that have it (mean over methods): {ratio:0.0}× its share. {verdict}"),
            new Dictionary<string, double> { ["areaShare"] = share, ["attributionShare"] = mass, ["ratio"] = ratio });
    }

    /// <summary>The maps of every run of each scan: seed 0 (already made), the other seeds, then each replica model.</summary>
    private List<float[]>[] Runs(IAttributionMethod method, string methodName, Scan[] scans, float[][] first, int[] targets)
    {
        List<float[]>[] runs = [.. first.Select(map => new List<float[]> { map })];
        for (int seed = 1; seed < settings.Repeats; seed++)
        {
            Add(Maps(method, $"{methodName} (seed {seed})", model, scans, settings.Options with { Seed = seed }, targets));
        }

        foreach (OnnxModel replica in settings.Replicas)
        {
            Add(Maps(method, $"{methodName} ({Path.GetFileName(replica.FilePath)})", replica, scans, settings.Options, targets));
        }

        return runs;

        void Add(Attribution[] maps)
        {
            for (int i = 0; i < scans.Length; i++)
            {
                runs[i].Add(maps[i].Values.Data);
            }
        }
    }

    private Attribution[] Maps(IAttributionMethod method, string label, OnnxModel on, Scan[] scans, AttributionOptions options, int[]? targets = null)
    {
        IProgress<BatchProgress> bar = progress($"maps: {label}");
        var maps = new Attribution[scans.Length];
        for (int i = 0; i < scans.Length; i++)
        {
            maps[i] = method.Attribute(on, scans[i].Input, targets is null ? ClassTarget.Predicted : ClassTarget.Class(targets[i]), options);
            bar.Report(new BatchProgress(i + 1, scans.Length, i + 1));
        }

        return maps;
    }

    private Scan Prepare(EvaluationItem item)
    {
        PreparedScan prepared = ModelInputLoader.Prepare(item.Scan, model.InputSpec);
        // An empty lesion mask (a normal scan) has nothing to localise: its scan is left out of those metrics.
        float[]? mask = item.LesionMask is { } m && prepared.LabelsOnModelGrid(m) is var lesion && lesion.Any(v => v > 0) ? lesion : null;
        float[]? atlas = item.Atlas is { } a ? prepared.LabelsOnModelGrid(a) : null;
        float[]? confounder = item.Confounder is { } c ? prepared.LabelsOnModelGrid(c) : null;
        if (settings.CurvesByAtlas && atlas is null)
        {
            throw new MedExplainInputException(item.Scan, "curves by atlas region need atlas labels for every scan (NAME-regions.* or the manifest's \"regions\").");
        }

        int channels = prepared.Batch.Shape[1];
        int[]? perElement = atlas is null ? null : [.. Enumerable.Range(0, channels).SelectMany(_ => atlas.Select(v => (int)Math.Round(v)))];
        return new Scan(Path.GetFileName(item.Scan), prepared.Batch, mask, atlas, perElement, confounder);
    }

    private sealed record Scan(string Name, FloatTensor Input, float[]? Mask, float[]? Atlas, int[]? AtlasPerElement, float[]? Confounder);
}
