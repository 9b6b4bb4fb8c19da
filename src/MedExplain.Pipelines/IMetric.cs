using MedExplain.Batching;
using MedExplain.Methods;
using MedExplain.Metrics;
using MedExplain.Onnx;

namespace MedExplain.Pipelines;

/// <summary>Which way a metric is better.</summary>
public enum MetricDirection
{
    /// <summary>Higher is better.</summary>
    Higher,

    /// <summary>Lower is better.</summary>
    Lower,

    /// <summary>Closer to 0 is better.</summary>
    TowardZero,

    /// <summary>Neither: the value is context (how much a map leans on a confounder, how concentrated it is).</summary>
    Context,
}

/// <summary>What a metric needs from the user besides the model and the scans.</summary>
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

/// <summary>Maps the evaluation must compute beyond each method's map, because a metric compares with them.</summary>
[Flags]
public enum MetricEvidence
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>The maps of the other seeds and of the replica models.</summary>
    Runs = 1,

    /// <summary>The map of the model with its weights randomised.</summary>
    RandomisedModel = 2,

    /// <summary>The map of the shuffled-labels model.</summary>
    ShuffledLabelsModel = 4,
}

/// <summary>A metric of attribution maps: its stable name, which way is better, what it needs, and a line for reports.</summary>
public interface IMetric
{
    /// <summary>Gets the stable kebab-case name.</summary>
    string Name { get; }

    /// <summary>Gets which way is better.</summary>
    MetricDirection Better { get; }

    /// <summary>Gets what it needs from the user.</summary>
    MetricNeeds Needs { get; }

    /// <summary>Gets one line for reports.</summary>
    string Description { get; }
}

/// <summary>A metric of one scan's map on its own (with that scan's masks, atlas and the other maps it asks for).</summary>
public interface IScanMetric : IMetric
{
    /// <summary>Gets the other maps it compares with.</summary>
    MetricEvidence Evidence { get; }

    /// <summary>The value for one scan, or null when the scan lacks what the metric needs (no lesion, no atlas).</summary>
    /// <param name="scan">The scan, its map and what goes with it.</param>
    double? Compute(ScanEvidence scan);
}

/// <summary>A metric computed for all scans at once, in one batched stream, with a mean curve (deletion, sensitivity-n).</summary>
public interface ICohortMetric : IMetric
{
    /// <summary>The value of each scan and the mean curve.</summary>
    /// <param name="cohort">The scans and their maps.</param>
    CohortValues Compute(CohortEvidence cohort);
}

/// <summary>A cohort metric's result.</summary>
/// <param name="PerScan">The value of each scan, in the cohort's order.</param>
/// <param name="MeanCurve">The mean curve over the scans (per step or subset size).</param>
public sealed record CohortValues(IReadOnlyList<double> PerScan, double[] MeanCurve);

/// <summary>What a per-scan metric is computed from.</summary>
/// <param name="Input">The model-ready scan (1, C, …).</param>
/// <param name="Map">The method's map, shaped like the input.</param>
/// <param name="Target">The class the map explains.</param>
/// <param name="LesionMask">The lesion on the model grid (spatial), or null (none given, or empty).</param>
/// <param name="Atlas">Atlas labels on the model grid (spatial), or null.</param>
/// <param name="Confounder">A confounder mask on the model grid (spatial), or null.</param>
/// <param name="Runs">The maps of every run: this one first, then other seeds and replica models (with <see cref="MetricEvidence.Runs"/>).</param>
/// <param name="RandomisedModelMap">The map of the randomised model, or null.</param>
/// <param name="ShuffledLabelsMap">The map of the shuffled-labels model, or null.</param>
/// <param name="Context">The model, method and options that made the map, to perturb and recompute.</param>
public sealed record ScanEvidence(
    FloatTensor Input,
    float[] Map,
    int Target,
    float[]? LesionMask,
    float[]? Atlas,
    float[]? Confounder,
    IReadOnlyList<float[]> Runs,
    float[]? RandomisedModelMap,
    float[]? ShuffledLabelsMap,
    MapContext Context)
{
    /// <summary>Gets the map with its channels added up, on the spatial grid of the masks.</summary>
    public float[] SpatialMap { get; } = Explainer.SumChannels(Map, Input.Shape[1]);
}

/// <summary>What made a map: enough to recompute it on a perturbed input or score the model on one.</summary>
/// <param name="Model">The model.</param>
/// <param name="Method">The method.</param>
/// <param name="Options">Its options.</param>
/// <param name="Faithfulness">Scores the model on perturbed inputs.</param>
public sealed record MapContext(OnnxModel Model, IAttributionMethod Method, AttributionOptions Options, Faithfulness Faithfulness);

/// <summary>What a cohort metric is computed from.</summary>
/// <param name="Inputs">The model-ready scans.</param>
/// <param name="Maps">Their maps.</param>
/// <param name="Targets">The classes the maps explain.</param>
/// <param name="AtlasPerElement">Each scan's atlas label per input element when curves remove whole regions, else null.</param>
/// <param name="Steps">The steps of a curve.</param>
/// <param name="Faithfulness">Scores the model on perturbed inputs.</param>
/// <param name="Progress">Receives the stream's progress.</param>
public sealed record CohortEvidence(
    IReadOnlyList<FloatTensor> Inputs,
    IReadOnlyList<float[]> Maps,
    IReadOnlyList<int> Targets,
    IReadOnlyList<int[]?> AtlasPerElement,
    int Steps,
    Faithfulness Faithfulness,
    IProgress<BatchProgress> Progress);
