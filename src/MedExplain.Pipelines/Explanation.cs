using MedExplain.Imaging;
using MedExplain.Prediction;

namespace MedExplain.Pipelines;

/// <summary>Everything one explanation produced: the scan, what the model said, and each method's map on the scan's grid.</summary>
/// <param name="ModelPath">The model file.</param>
/// <param name="ModelName">The card's name for it, else the file's.</param>
/// <param name="ModelDescription">The card's description, or null.</param>
/// <param name="ModelEvaluation">The card's reported evaluation figures.</param>
/// <param name="Input">The scan, its transform to the model grid and the model input.</param>
/// <param name="Prediction">The prediction (for a segmentation model: each class's mean probability over the explained region).</param>
/// <param name="ClassNames">The class names.</param>
/// <param name="Maps">Each method's map on the scan's grid.</param>
/// <param name="Parameters">The parameters as given.</param>
/// <param name="LesionMask">The lesion mask on the scan's grid, or null.</param>
/// <param name="LesionMaskPath">Its file, or null.</param>
public sealed record Explanation(
    string ModelPath,
    string ModelName,
    string? ModelDescription,
    IReadOnlyDictionary<string, double> ModelEvaluation,
    PreparedScan Input,
    ClassPrediction Prediction,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<MethodMap> Maps,
    IReadOnlyDictionary<string, string> Parameters,
    float[]? LesionMask,
    string? LesionMaskPath)
{
    /// <summary>Gets the names of the feature mask's regions, or empty.</summary>
    public IReadOnlyDictionary<int, string> RegionNames { get; init; } = new Dictionary<int, string>();

    /// <summary>Gets, for a segmentation model, its segmentation on the scan's grid and the class whose predicted region
    /// the maps explain (<see cref="Prediction"/> then holds each class's mean probability over that region); else null.</summary>
    public SegmentationExplained? Segmentation { get; init; }

    /// <summary>Gets the methods that could not run on this scan and why (a user error each); the others' maps are in
    /// <see cref="Maps"/>, so finished work is never lost to a later method's failure.</summary>
    public IReadOnlyList<MethodFailure> Failures { get; init; } = [];

    /// <summary>Gets how alike each pair of methods ranks the voxels.</summary>
    public IReadOnlyList<MethodAgreement> Agreement { get; init; } = [];

    /// <summary>Gets how sure the model is about this scan, when the request asked, and how that was measured.</summary>
    public (Uncertainty.PredictiveUncertainty Measures, string Method)? Uncertainty { get; init; }

    /// <summary>Gets the scan's concept scores from the request's CAV file (empty without one), and the class they are for.</summary>
    public ScanConcepts? Concepts { get; init; }

    /// <summary>Gets the atlas on the scan's grid with its region names, when the request gave one.</summary>
    public AtlasOnScan? Atlas { get; init; }

    /// <summary>Gets the known confounder's mask on the scan's grid, when the request gave one.</summary>
    public ConfounderOnScan? Confounder { get; init; }

    /// <summary>Gets the indexed reference cases most like the scan, when the request named an index.</summary>
    public Cases.SimilarCasesResult? SimilarCases { get; init; }

    /// <summary>Gets the plain-language summary of all of the above.</summary>
    public Summaries.ExplanationSummary? Summary { get; init; }
}

/// <summary>Atlas labels on a scan's grid, with the names of its regions.</summary>
/// <param name="LabelsOnScan">One label per scan voxel (0 = none).</param>
/// <param name="Names">The regions' names (a label without one is called "region LABEL").</param>
public sealed record AtlasOnScan(float[] LabelsOnScan, IReadOnlyDictionary<int, string> Names);

/// <summary>Where a known confounder lies on a scan (a burned-in marker, a ruler, a chest drain).</summary>
/// <param name="MaskOnScan">Non-zero on the confounder, per scan voxel.</param>
/// <param name="Name">What it is, as a summary names it.</param>
public sealed record ConfounderOnScan(float[] MaskOnScan, string Name);

/// <summary>What deleting a map's top voxels does to the explained class's probability: the voxels of the model input
/// ranked highest by the map are set to 0 (the normalised input's baseline, as evaluation's deletion curve does).</summary>
/// <param name="Fraction">The share of the model input's values deleted.</param>
/// <param name="ProbabilityBefore">The class's probability on the scan.</param>
/// <param name="ProbabilityAfter">Its probability with them deleted.</param>
public sealed record DeletionEffect(double Fraction, double ProbabilityBefore, double ProbabilityAfter)
{
    /// <summary>The share of the input an explanation deletes: small enough to leave the scan a scan, large enough to
    /// cover a lesion.</summary>
    public const double TopFraction = 0.05;
}

/// <summary>A method that could not run, and why.</summary>
/// <param name="Method">The method.</param>
/// <param name="Error">The error, naming the file or parameter.</param>
public sealed record MethodFailure(string Method, MedExplainInputException Error);

/// <summary>A segmentation and the class whose predicted region an explanation explains.</summary>
/// <param name="OnScan">The segmentation on the scan's grid.</param>
/// <param name="Region">The explained class.</param>
public sealed record SegmentationExplained(ScanSegmentation OnScan, int Region);

/// <summary>One method's result mapped back onto the scan.</summary>
/// <param name="Method">The method's name (for a wrapper over another method, both: smoothgrad-over-lrp).</param>
/// <param name="TargetClass">The class it explains.</param>
/// <param name="TargetScore">That class's logit.</param>
/// <param name="OnScan">The map on the scan's grid (channels summed).</param>
/// <param name="Seconds">How long the method took.</param>
/// <param name="Diagnostics">What the method reports about itself (such as the completeness gap).</param>
public sealed record MethodMap(string Method, int TargetClass, float TargetScore, float[] OnScan, double Seconds, IReadOnlyDictionary<MedExplain.Methods.Diagnostic, float> Diagnostics)
{
    /// <summary>Gets the region scores of region-level methods, else null.</summary>
    public IReadOnlyList<MedExplain.Methods.RegionScore>? Regions { get; init; }

    /// <summary>Gets what the map shows, in words a clinician can use.</summary>
    public string Summary { get; init; } = string.Empty;

    /// <summary>Gets whether the map carries a sign (drawn with the diverging colour map), as the method defines it.</summary>
    public bool CarriesSign { get; init; } = true;

    /// <summary>Gets whether the map's voxels add up to the score's change (see
    /// <see cref="MedExplain.Methods.MethodDescriptor.AddsUpToScore"/>), so it shares a colour scale with its kind.</summary>
    public bool AddsUpToScore { get; init; }

    /// <summary>Gets what the method warns of about this map (too few samples), shown beside it.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Gets how much the map moves across test-time augmentations, on the scan's grid, when the request asked.</summary>
    public MapUncertainty? Spread { get; init; }

    /// <summary>Gets what deleting the map's top voxels does to the explained class's probability (classifiers only).</summary>
    public DeletionEffect? Deletion { get; init; }
}

/// <summary>How one scan's logit of a class moves along the concepts of a CAV file.</summary>
/// <param name="File">The CAV file.</param>
/// <param name="TargetClass">The class the CAVs were scored for (which may differ from the class the maps explain).</param>
/// <param name="ClassName">Its name, or null.</param>
/// <param name="Scores">Per layer and concept.</param>
public sealed record ScanConcepts(string File, int TargetClass, string? ClassName, IReadOnlyList<Concepts.ScanConceptScore> Scores);

/// <summary>How much a method's map moves across test-time augmentations.</summary>
/// <param name="StandardDeviationOnScan">The voxelwise standard deviation, on the scan's grid.</param>
/// <param name="TopOverlap">The mean overlap of the samples' strongest 10% (1: they agree on where the evidence is).</param>
/// <param name="Samples">How many augmentations.</param>
public sealed record MapUncertainty(float[] StandardDeviationOnScan, double TopOverlap, int Samples);

/// <summary>How alike two methods' maps of one scan are: Spearman's rank correlation of their absolute values on the
/// model's grid.</summary>
/// <param name="First">A method.</param>
/// <param name="Second">Another.</param>
/// <param name="RankCorrelation">Spearman's ρ of |map|.</param>
public sealed record MethodAgreement(string First, string Second, double RankCorrelation)
{
    /// <summary>Below this the methods disagree strongly about where the evidence is (a weak correlation by the usual
    /// reading of ρ), and reports say so.</summary>
    public const double DisagreeBelow = 0.3;

    /// <summary>From this on the methods agree (a strong correlation by the usual reading of ρ); between the two
    /// thresholds they agree in part.</summary>
    public const double AgreeFrom = 0.6;

    /// <summary>Gets a value indicating whether the two maps disagree strongly.</summary>
    public bool Disagree => RankCorrelation < DisagreeBelow;
}
