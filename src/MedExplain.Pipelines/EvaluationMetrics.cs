using MedExplain.Metrics;

namespace MedExplain.Pipelines;

/// <summary>The built-in metrics: the one catalogue the evaluation, the CLI's help and the reports read. A program adds
/// its own by implementing <see cref="IScanMetric"/> (or making a <see cref="ScanMetric"/>) and passing it in
/// <see cref="EvaluationSettings.Metrics"/>.</summary>
public static class EvaluationMetrics
{
    /// <summary>Gets every built-in metric.</summary>
    public static IReadOnlyList<IMetric> All { get; } =
    [
        new ScanMetric("completeness", MetricDirection.TowardZero, MetricNeeds.Nothing, "Σ attribution − (f(x) − f(zeros)): 0 for complete methods (integrated gradients, DeepLIFT, Shapley values); its size says how much of the score change a map leaves unexplained.",
            s => s.Context.Faithfulness.Completeness(s.Input, s.Map, new FloatTensor(s.Input.Shape), s.Target)),
        new CurveMetric("deletion", MetricDirection.Lower, CurveKind.Deletion, "Area under the score as the most relevant features are set to zero first (fraction 0→1). Lower: the map found what the score depends on."),
        new CurveMetric("insertion", MetricDirection.Higher, CurveKind.Insertion, "Area under the score as the most relevant features are restored first from zeros. Higher is better."),
        new CurveMetric("deletion-lerf", MetricDirection.Higher, CurveKind.DeletionLeastRelevantFirst, "Area as the least relevant features are deleted first: a faithful map keeps the score up longest. Higher is better."),
        new SensitivityNMetric(),
        new ScanMetric("infidelity", MetricDirection.Lower, MetricNeeds.Nothing, "Mean squared error between Σ noise ⊙ map and the score change the noise causes (Yeh et al., σ 0.1). Lower is better.",
            s => s.Context.Faithfulness.Infidelity(s.Input, s.Map, s.Target, 20, 0.1)),
        new ScanMetric("max-sensitivity", MetricDirection.Lower, MetricNeeds.Nothing, "Largest relative change of the map under uniform input noise of ±0.05 (Yeh et al.). Lower is more robust.",
            s => Robustness.MaxSensitivity(s.Context.Method, s.Context.Model, s.Input, s.Target, s.Context.Options, 0.05, 3)),
        new ScanMetric("pointing-game", MetricDirection.Higher, MetricNeeds.LesionMask, "1 when the map's peak lies in the lesion mask.",
            s => s.LesionMask is { } mask ? Localisation.PointingGame(s.SpatialMap, mask) : null),
        new ScanMetric("relevance-mass", MetricDirection.Higher, MetricNeeds.LesionMask, "Share of positive attribution inside the lesion mask.",
            s => s.LesionMask is { } mask ? Localisation.RelevanceMass(s.SpatialMap, mask) : null),
        new ScanMetric("relevance-rank", MetricDirection.Higher, MetricNeeds.LesionMask, "Share of the |mask| highest-ranked voxels that lie inside the mask.",
            s => s.LesionMask is { } mask ? Localisation.RelevanceRank(s.SpatialMap, mask) : null),
        new ScanMetric("iou", MetricDirection.Higher, MetricNeeds.LesionMask, "Intersection over union of the mask and the map's top 5%.",
            s => s.LesionMask is { } mask ? Localisation.Iou(s.SpatialMap, mask) : null),
        new ScanMetric("confounder-mass", MetricDirection.Context, MetricNeeds.ConfounderMask, "Share of positive attribution inside the confounder mask (a burned-in marker, ruler or text): high means the maps say the model leans on it.",
            s => s.Confounder is { } confounder ? Localisation.RelevanceMass(s.SpatialMap, confounder) : null),
        new ScanMetric("top10-gain", MetricDirection.Context, MetricNeeds.Atlas, "Mean gain (density over the labelled volume's density) of the 10 atlas regions densest in relevance: how concentrated the map is.",
            s => s.Atlas is { } atlas ? RegionRelevance.TopGain(RegionRelevance.Of(s.SpatialMap, atlas)) : null),
        new ScanMetric("repeatability", MetricDirection.Lower, MetricNeeds.SecondRun, "Mean L2 distance between the maps (each scaled to unit norm) of repeated runs: other seeds and any identically trained replica models. 0 for a deterministic method on one model.",
            s => s.Runs.Count >= 2 ? Robustness.Repeatability([.. s.Runs.Select(UnitNorm)]) : null, MetricEvidence.Runs),
        new ScanMetric("top10-sum-overlap", MetricDirection.Higher, MetricNeeds.SecondRun, "Share of the top-10 atlas regions by relevance sum that repeated runs agree on (needs an atlas).",
            s => TopOverlap(s, RegionStatistic.Sum), MetricEvidence.Runs),
        new ScanMetric("top10-density-overlap", MetricDirection.Higher, MetricNeeds.SecondRun, "Share of the top-10 atlas regions by relevance density (and so by gain) that repeated runs agree on (needs an atlas).",
            s => TopOverlap(s, RegionStatistic.Density), MetricEvidence.Runs),
        new ScanMetric("randomisation", MetricDirection.Lower, MetricNeeds.Nothing, "Spearman correlation of |map| with the map of the same model with every linear layer's weights randomised (Adebayo et al.). Near 0: the map depends on what the model learned.",
            s => s.RandomisedModelMap is { } r ? Randomisation.Spearman(s.Map, r) : null, MetricEvidence.RandomisedModel),
        new ScanMetric("randomisation-ssim", MetricDirection.Lower, MetricNeeds.Nothing, "SSIM of the same two maps.",
            s => s.RandomisedModelMap is { } r ? Randomisation.Ssim(s.Map, r) : null, MetricEvidence.RandomisedModel),
        new ScanMetric("label-randomisation", MetricDirection.Lower, MetricNeeds.ShuffledLabelsModel, "Spearman correlation of |map| with the map of a model trained on shuffled labels (Adebayo et al.'s data randomisation). Near 0 is what a faithful method gives.",
            s => s.ShuffledLabelsMap is { } m ? Randomisation.Spearman(s.Map, m) : null, MetricEvidence.ShuffledLabelsModel),
    ];

    /// <summary>Gets the metrics' names, comma-separated, for help texts and messages.</summary>
    public static string Names { get; } = string.Join(", ", All.Select(m => m.Name));

    /// <summary>The built-in metric with this name.</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="MedExplainParameterException">No metric has that name; the message lists those that do.</exception>
    public static IMetric Get(string name) =>
        All.FirstOrDefault(m => m.Name == name) ?? throw new MedExplainParameterException("metrics", $"'{name}' is not a metric.{NameSuggestion.For(name, All.Select(m => m.Name))} The metrics are: {Names}.");

    private static double? TopOverlap(ScanEvidence s, RegionStatistic statistic) => s.Runs.Count >= 2 && s.Atlas is { } atlas
        ? RegionRelevance.TopOverlap([.. s.Runs.Select(map => RegionRelevance.Of(Explainer.SumChannels(map, s.Input.Shape[1]), atlas))], statistic)
        : null;

    private static float[] UnitNorm(float[] map)
    {
        double norm = Math.Sqrt(map.Sum(v => v * (double)v));
        return norm > 0 ? [.. map.Select(v => (float)(v / norm))] : map;
    }
}

/// <summary>A per-scan metric given by a function: one line per metric in a catalogue.</summary>
/// <param name="name">The stable name.</param>
/// <param name="better">Which way is better.</param>
/// <param name="needs">What it needs from the user.</param>
/// <param name="description">One line for reports.</param>
/// <param name="compute">The value for one scan, or null when the scan lacks what it needs.</param>
/// <param name="evidence">The other maps it compares with.</param>
public sealed class ScanMetric(string name, MetricDirection better, MetricNeeds needs, string description, Func<ScanEvidence, double?> compute, MetricEvidence evidence = MetricEvidence.None) : IScanMetric
{
    /// <inheritdoc/>
    public string Name => name;

    /// <inheritdoc/>
    public MetricDirection Better => better;

    /// <inheritdoc/>
    public MetricNeeds Needs => needs;

    /// <inheritdoc/>
    public string Description => description;

    /// <inheritdoc/>
    public MetricEvidence Evidence => evidence;

    /// <inheritdoc/>
    public double? Compute(ScanEvidence scan) => compute(scan);
}

/// <summary>Deletion and insertion: every scan's curve in one batched stream; the value is the area under it.</summary>
internal sealed class CurveMetric(string name, MetricDirection better, CurveKind kind, string description) : ICohortMetric
{
    public string Name => name;

    public MetricDirection Better => better;

    public MetricNeeds Needs => MetricNeeds.Nothing;

    public string Description => description;

    public CohortValues Compute(CohortEvidence cohort)
    {
        CurveInput[] inputs = [.. cohort.Inputs.Select((x, i) => new CurveInput(x, cohort.Maps[i], new FloatTensor(x.Shape), cohort.Targets[i], cohort.AtlasPerElement[i]))];
        IReadOnlyList<PerturbationCurve> curves = cohort.Faithfulness.Curves(inputs, cohort.Steps, kind, cohort.Progress);
        return new CohortValues([.. curves.Select(c => c.Area)], [.. Enumerable.Range(0, cohort.Steps + 1).Select(k => curves.Average(c => c.Scores[k]))]);
    }
}

/// <summary>Sensitivity-n (Ancona et al.): per scan the mean correlation over the subset sizes; the curve is over the sizes.</summary>
internal sealed class SensitivityNMetric : ICohortMetric
{
    /// <summary>The subset sizes as fractions of the features: 0.1%, 1% and 10%.</summary>
    public static readonly double[] Fractions = [0.001, 0.01, 0.1];

    public string Name => "sensitivity-n";

    public MetricDirection Better => MetricDirection.Higher;

    public MetricNeeds Needs => MetricNeeds.Nothing;

    public string Description => "Pearson correlation between the attribution of random subsets of n features and the score drop when they are zeroed (Ancona et al.), averaged over n = 0.1%, 1% and 10% of the features. 1 for a perfectly additive explanation.";

    public CohortValues Compute(CohortEvidence cohort)
    {
        double[][] correlations = [.. cohort.Inputs.Select((x, i) =>
        {
            int[] sizes = [.. Fractions.Select(f => Math.Max(1, (int)Math.Round(f * cohort.Maps[i].Length)))];
            double[] r = [.. cohort.Faithfulness.SensitivityN(x, cohort.Maps[i], new FloatTensor(x.Shape), cohort.Targets[i], sizes, 20).Select(s => s.Correlation)];
            cohort.Progress.Report(new Batching.BatchProgress(i + 1, cohort.Inputs.Count, i + 1));
            return r;
        })];
        return new CohortValues([.. correlations.Select(c => c.Average())], [.. Fractions.Select((_, k) => correlations.Average(c => c[k]))]);
    }
}
