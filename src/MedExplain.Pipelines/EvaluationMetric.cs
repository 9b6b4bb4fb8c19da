namespace MedExplain.Pipelines;

/// <summary>What a metric needs besides the model and the scan.</summary>
public enum MetricNeeds
{
    /// <summary>Nothing more.</summary>
    Nothing,

    /// <summary>A lesion mask per scan.</summary>
    LesionMask,

    /// <summary>A confounder mask per scan (a marker, a ruler).</summary>
    ConfounderMask,

    /// <summary>Atlas labels per scan.</summary>
    Atlas,

    /// <summary>A second run: other seeds or replica models.</summary>
    SecondRun,

    /// <summary>A model trained on shuffled labels.</summary>
    ShuffledLabelsModel,
}

/// <summary>One metric an evaluation can compute: its stable name, which way is better, what it needs, and a line for
/// the report. <see cref="All"/> is the one catalogue the evaluation, the CLI's help and the reports read.</summary>
/// <param name="Name">The stable name.</param>
/// <param name="Better">Which way is better: "higher", "lower", "closer to 0" or "context".</param>
/// <param name="Needs">What it needs besides the model and the scans.</param>
/// <param name="Description">One line for reports.</param>
public sealed record EvaluationMetric(string Name, string Better, MetricNeeds Needs, string Description)
{
    /// <summary>Gets every metric.</summary>
    public static IReadOnlyList<EvaluationMetric> All { get; } =
    [
        new("completeness", "closer to 0", MetricNeeds.Nothing, "Σ attribution − (f(x) − f(zeros)): 0 for complete methods (integrated gradients, DeepLIFT, Shapley values); its size says how much of the score change a map leaves unexplained."),
        new("deletion", "lower", MetricNeeds.Nothing, "Area under the score as the most relevant features are set to zero first (fraction 0→1). Lower: the map found what the score depends on."),
        new("insertion", "higher", MetricNeeds.Nothing, "Area under the score as the most relevant features are restored first from zeros. Higher is better."),
        new("deletion-lerf", "higher", MetricNeeds.Nothing, "Area as the least relevant features are deleted first: a faithful map keeps the score up longest. Higher is better."),
        new("sensitivity-n", "higher", MetricNeeds.Nothing, "Pearson correlation between the attribution of random subsets of n features and the score drop when they are zeroed (Ancona et al.), averaged over n = 0.1%, 1% and 10% of the features. 1 for a perfectly additive explanation."),
        new("infidelity", "lower", MetricNeeds.Nothing, "Mean squared error between Σ noise ⊙ map and the score change the noise causes (Yeh et al., σ 0.1). Lower is better."),
        new("max-sensitivity", "lower", MetricNeeds.Nothing, "Largest relative change of the map under uniform input noise of ±0.05 (Yeh et al.). Lower is more robust."),
        new("pointing-game", "higher", MetricNeeds.LesionMask, "1 when the map's peak lies in the lesion mask."),
        new("relevance-mass", "higher", MetricNeeds.LesionMask, "Share of positive attribution inside the lesion mask."),
        new("relevance-rank", "higher", MetricNeeds.LesionMask, "Share of the |mask| highest-ranked voxels that lie inside the mask."),
        new("iou", "higher", MetricNeeds.LesionMask, "Intersection over union of the mask and the map's top 5%."),
        new("confounder-mass", "context", MetricNeeds.ConfounderMask, "Share of positive attribution inside the confounder mask (a burned-in marker, ruler or text): high means the maps say the model leans on it."),
        new("top10-gain", "context", MetricNeeds.Atlas, "Mean gain (density over the labelled volume's density) of the 10 atlas regions densest in relevance: how concentrated the map is."),
        new("repeatability", "lower", MetricNeeds.SecondRun, "Mean L2 distance between the maps (each scaled to unit norm) of repeated runs: other seeds and any identically trained replica models. 0 for a deterministic method on one model."),
        new("top10-sum-overlap", "higher", MetricNeeds.SecondRun, "Share of the top-10 atlas regions by relevance sum that repeated runs agree on (needs an atlas)."),
        new("top10-density-overlap", "higher", MetricNeeds.SecondRun, "Share of the top-10 atlas regions by relevance density (and so by gain) that repeated runs agree on (needs an atlas)."),
        new("randomisation", "lower", MetricNeeds.Nothing, "Spearman correlation of |map| with the map of the same model with every linear layer's weights randomised (Adebayo et al.). Near 0: the map depends on what the model learned."),
        new("randomisation-ssim", "lower", MetricNeeds.Nothing, "SSIM of the same two maps."),
        new("label-randomisation", "lower", MetricNeeds.ShuffledLabelsModel, "Spearman correlation of |map| with the map of a model trained on shuffled labels (Adebayo et al.'s data randomisation). Near 0 is what a faithful method gives."),
    ];

    /// <summary>Gets the metrics' names, comma-separated, for help texts and messages.</summary>
    public static string Names { get; } = string.Join(", ", All.Select(m => m.Name));

    /// <summary>The metric with this name.</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="MedExplainParameterException">No metric has that name; the message lists those that do.</exception>
    public static EvaluationMetric Get(string name) =>
        All.FirstOrDefault(m => m.Name == name) ?? throw new MedExplainParameterException("metrics", $"'{name}' is not a metric; the metrics are: {Names}.");
}
