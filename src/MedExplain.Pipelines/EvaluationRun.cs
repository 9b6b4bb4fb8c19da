using MedExplain.Batching;
using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Metrics;
using MedExplain.Onnx;

namespace MedExplain.Pipelines;

/// <summary>What to evaluate and how.</summary>
/// <param name="Methods">The methods.</param>
/// <param name="Metrics">The metrics.</param>
/// <param name="Steps">Deletion/insertion steps.</param>
/// <param name="Repeats">Runs with seeds 0..Repeats-1 for repeatability.</param>
/// <param name="Replicas">Identically trained models, each one more run.</param>
/// <param name="ShuffledLabels">A model trained on shuffled labels, for the data randomisation check.</param>
/// <param name="CurvesByAtlas">Delete and insert whole atlas regions rather than voxels.</param>
/// <param name="Options">The methods' options (seed 0).</param>
public sealed record EvaluationSettings(
    IReadOnlyList<string> Methods,
    IReadOnlyList<EvaluationMetric> Metrics,
    int Steps,
    int Repeats,
    IReadOnlyList<OnnxModel> Replicas,
    OnnxModel? ShuffledLabels,
    bool CurvesByAtlas,
    AttributionOptions Options);

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
public sealed record EvaluationResult(IReadOnlyList<MetricValue> Values, IReadOnlyList<MeanCurve> Curves);

/// <summary>One scan to evaluate on, with its lesion mask, atlas labels and confounder mask where there are any.</summary>
/// <param name="Scan">The scan.</param>
/// <param name="LesionMask">Where the finding is.</param>
/// <param name="Atlas">Anatomical labels (0 = background).</param>
/// <param name="Confounder">Where something the model should not use is: a burned-in marker, a ruler, text.</param>
public sealed record EvaluationItem(string Scan, string? LesionMask, string? Atlas, string? Confounder = null);

/// <summary>
/// Evaluates methods on a set of scans: each method's maps of every scan first, then each curve of all scans in one
/// batched stream through the shared runner, then the per-scan metrics. One instance runs once. The use case behind
/// <c>medexplain evaluate</c>, for any program.
/// </summary>
/// <param name="model">The model.</param>
/// <param name="settings">The methods, metrics and their settings.</param>
/// <param name="progress">Gives each stage's progress receiver (labelled "maps: METHOD", "deletion: METHOD", …).</param>
public sealed class EvaluationRun(OnnxModel model, EvaluationSettings settings, Func<string, IProgress<BatchProgress>> progress)
{
    private static readonly Dictionary<string, CurveKind> CurveMetrics = new()
    {
        ["deletion"] = CurveKind.Deletion,
        ["insertion"] = CurveKind.Insertion,
        ["deletion-lerf"] = CurveKind.DeletionLeastRelevantFirst,
    };

    /// <summary>Gets the subset sizes of sensitivity-n as fractions of the features: 0.1%, 1% and 10%.</summary>
    public static IReadOnlyList<double> SensitivityFractions { get; } = [0.001, 0.01, 0.1];

    private readonly Faithfulness _faithfulness = new(model, settings.Options);
    private readonly List<MetricValue> _values = [];
    private readonly List<MeanCurve> _curves = [];

    /// <summary>Evaluates on <paramref name="items"/>.</summary>
    /// <param name="items">The scans with their masks and atlases.</param>
    /// <exception cref="MedExplainInputException">A scan or a mask is missing or broken, or curves by atlas lack an atlas.</exception>
    public EvaluationResult Run(IReadOnlyList<EvaluationItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        Scan[] scans = [.. items.Select(Prepare)];
        foreach (string methodName in settings.Methods)
        {
            IAttributionMethod method = AttributionMethods.Get(methodName);
            Attribution[] attributions = Maps(method, methodName, model, scans, settings.Options);
            int[] targets = [.. attributions.Select(a => a.TargetClasses[0])];
            float[][] maps = [.. attributions.Select(a => a.Values.Data)];
            AddCurves(methodName, scans, maps, targets);
            AddSensitivityN(methodName, scans, maps, targets);
            AddPerScanMetrics(method, methodName, scans, maps, targets);
        }

        return new EvaluationResult(_values, _curves);
    }

    /// <summary>Each deletion/insertion curve of all scans in one batched stream.</summary>
    private void AddCurves(string methodName, Scan[] scans, float[][] maps, int[] targets)
    {
        foreach (EvaluationMetric metric in settings.Metrics.Where(m => CurveMetrics.ContainsKey(m.Name)))
        {
            CurveInput[] inputs = [.. scans.Select((s, i) => new CurveInput(s.Input, maps[i], new FloatTensor(s.Input.Shape), targets[i], settings.CurvesByAtlas ? s.AtlasPerElement : null))];
            IReadOnlyList<PerturbationCurve> result = _faithfulness.Curves(inputs, settings.Steps, CurveMetrics[metric.Name], progress($"{metric.Name}: {methodName}"));
            _values.AddRange(result.Select((c, i) => new MetricValue(scans[i].Name, methodName, metric.Name, c.Area)));
            _curves.Add(new MeanCurve(methodName, metric.Name, [.. Enumerable.Range(0, settings.Steps + 1).Select(k => result.Average(c => c.Scores[k]))]));
        }
    }

    /// <summary>Sensitivity-n per scan (the mean over the subset sizes) and its mean curve over the sizes.</summary>
    private void AddSensitivityN(string methodName, Scan[] scans, float[][] maps, int[] targets)
    {
        if (!Wants("sensitivity-n"))
        {
            return;
        }

        double[][] correlations = [.. scans.Select((s, i) => SensitivityN(s.Input, maps[i], targets[i]))];
        _values.AddRange(correlations.Select((c, i) => new MetricValue(scans[i].Name, methodName, "sensitivity-n", c.Average())));
        _curves.Add(new MeanCurve(methodName, "sensitivity-n", [.. SensitivityFractions.Select((_, k) => correlations.Average(c => c[k]))]));
    }

    /// <summary>The metrics that compare one scan's map with its masks, atlas, other runs or other models.</summary>
    private void AddPerScanMetrics(IAttributionMethod method, string methodName, Scan[] scans, float[][] maps, int[] targets)
    {
        List<float[]>[] runs = Runs(method, methodName, scans, maps, targets);
        Attribution[]? randomised = Wants("randomisation", "randomisation-ssim")
            ? Maps(method, methodName + " (randomised model)", Randomisation.Cascade(model, Randomisation.LayersFromTheTop(model).Count, 1), scans, settings.Options, targets)
            : null;
        Attribution[]? shuffled = settings.ShuffledLabels is { } other && Wants("label-randomisation")
            ? Maps(method, methodName + " (shuffled-labels model)", other, scans, settings.Options, targets)
            : null;
        for (int i = 0; i < scans.Length; i++)
        {
            var context = new ScanContext(scans[i], method, maps[i], targets[i], runs[i], randomised?[i].Values.Data, shuffled?[i].Values.Data);
            foreach (EvaluationMetric metric in settings.Metrics.Where(m => !CurveMetrics.ContainsKey(m.Name) && m.Name != "sensitivity-n"))
            {
                if (Compute(metric.Name, context) is double value)
                {
                    _values.Add(new MetricValue(scans[i].Name, methodName, metric.Name, value));
                }
            }
        }
    }

    /// <summary>Sensitivity-n's correlation at each of <see cref="SensitivityFractions"/> (20 random subsets each).</summary>
    private double[] SensitivityN(FloatTensor x, float[] map, int target)
    {
        int[] sizes = [.. SensitivityFractions.Select(f => Math.Max(1, (int)Math.Round(f * map.Length)))];
        return [.. _faithfulness.SensitivityN(x, map, new FloatTensor(x.Shape), target, sizes, 20).Select(r => r.Correlation)];
    }

    private bool Wants(params string[] names) => settings.Metrics.Any(m => names.Contains(m.Name));

    private double? Compute(string metric, ScanContext c)
    {
        FloatTensor x = c.Scan.Input;
        var zeros = new FloatTensor(x.Shape);
        float[] spatial = Explainer.SumChannels(c.Map, x.Shape[1]);
        return metric switch
        {
            "completeness" => _faithfulness.Completeness(x, c.Map, zeros, c.Target),
            "infidelity" => _faithfulness.Infidelity(x, c.Map, c.Target, 20, 0.1),
            "max-sensitivity" => Robustness.MaxSensitivity(c.Method, model, x, c.Target, settings.Options, 0.05, 3),
            "pointing-game" when c.Scan.Mask is { } mask => Localisation.PointingGame(spatial, mask),
            "relevance-mass" when c.Scan.Mask is { } mask => Localisation.RelevanceMass(spatial, mask),
            "relevance-rank" when c.Scan.Mask is { } mask => Localisation.RelevanceRank(spatial, mask),
            "iou" when c.Scan.Mask is { } mask => Localisation.Iou(spatial, mask),
            "confounder-mass" when c.Scan.Confounder is { } confounder => Localisation.RelevanceMass(spatial, confounder),
            "top10-gain" when c.Scan.Atlas is { } atlas => RegionRelevance.TopGain(RegionRelevance.Of(spatial, atlas)),
            "repeatability" when c.Runs.Count >= 2 => Robustness.Repeatability([.. c.Runs.Select(UnitNorm)]),
            "top10-sum-overlap" when c.Runs.Count >= 2 && c.Scan.Atlas is { } atlas => TopOverlap(c, atlas, RegionStatistic.Sum),
            "top10-density-overlap" when c.Runs.Count >= 2 && c.Scan.Atlas is { } atlas => TopOverlap(c, atlas, RegionStatistic.Density),
            "randomisation" when c.Randomised is { } r => Randomisation.Spearman(c.Map, r),
            "randomisation-ssim" when c.Randomised is { } r => Randomisation.Ssim(c.Map, r),
            "label-randomisation" when c.ShuffledLabels is { } s => Randomisation.Spearman(c.Map, s),
            _ => null,
        };
    }

    private static double TopOverlap(ScanContext c, float[] atlas, RegionStatistic statistic) =>
        RegionRelevance.TopOverlap([.. c.Runs.Select(map => RegionRelevance.Of(Explainer.SumChannels(map, c.Scan.Input.Shape[1]), atlas))], statistic);

    /// <summary>The maps of every run of each scan: seed 0 (already made), the other seeds, then each replica model.</summary>
    private List<float[]>[] Runs(IAttributionMethod method, string methodName, Scan[] scans, float[][] first, int[] targets)
    {
        List<float[]>[] runs = [.. first.Select(map => new List<float[]> { map })];
        if (!Wants("repeatability", "top10-sum-overlap", "top10-density-overlap"))
        {
            return runs;
        }

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

    private static float[] UnitNorm(float[] map)
    {
        double norm = Math.Sqrt(map.Sum(v => v * (double)v));
        return norm > 0 ? [.. map.Select(v => (float)(v / norm))] : map;
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

    private sealed record ScanContext(Scan Scan, IAttributionMethod Method, float[] Map, int Target, List<float[]> Runs, float[]? Randomised, float[]? ShuffledLabels);
}
