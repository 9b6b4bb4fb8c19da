namespace MedExplain.Pipelines.Summaries;

/// <summary>The figures a plain-language summary states, each rounded exactly as the sentence prints it, so every number
/// a reader sees is a value here (and in the JSON written from it).</summary>
/// <param name="PredictedClass">The predicted class (for a segmentation model: the class whose region is explained).</param>
/// <param name="ProbabilityPercent">Its probability in percent, to 0.1 (for a segmentation model: the region's mean).</param>
/// <param name="RegionMillilitres">For a segmentation model, the explained region's volume (0.1 mL); else null.</param>
/// <param name="Uncertainty">How sure the model is, when measured; else null.</param>
/// <param name="Maps">Each method's figures, in the order run; the sentences speak of the first.</param>
/// <param name="Agreement">How much the methods agree, when there are two or more; else null.</param>
/// <param name="SimilarCases">The labels of the most similar indexed cases, when an index was given; else null.</param>
public sealed record SummaryFacts(
    string PredictedClass,
    double ProbabilityPercent,
    double? RegionMillilitres,
    UncertaintyFacts? Uncertainty,
    IReadOnlyList<MapFacts> Maps,
    AgreementFacts? Agreement,
    SimilarCasesFacts? SimilarCases);

/// <summary>What the reference cases most like the scan are labelled.</summary>
/// <param name="Count">How many cases were found.</param>
/// <param name="Labels">Each label with its number of cases, most frequent first (unlabelled cases as "unlabelled").</param>
/// <param name="TopSimilarity">The nearest case's cosine similarity (0.0001; below 1 unless it is the same case).</param>
public sealed record SimilarCasesFacts(int Count, IReadOnlyList<LabelCount> Labels, double TopSimilarity);

/// <summary>How many similar cases carry a label.</summary>
/// <param name="Label">The label.</param>
/// <param name="Cases">How many.</param>
public sealed record LabelCount(string Label, int Cases);

/// <summary>The model's uncertainty about the scan.</summary>
/// <param name="Source">Where the samples came from.</param>
/// <param name="Samples">How many.</param>
/// <param name="PredictiveEntropy">The entropy of the mean probabilities, in nats (0.01).</param>
/// <param name="MaxEntropy">Its largest possible value, ln(classes) (0.01).</param>
/// <param name="MutualInformation">How much the samples disagree, in nats (0.01).</param>
public sealed record UncertaintyFacts(UncertaintySource Source, int Samples, double PredictiveEntropy, double MaxEntropy, double MutualInformation);

/// <summary>Where one map's positive relevance lies, and what deleting its top voxels does.</summary>
/// <param name="Method">The method.</param>
/// <param name="HasPositiveRelevance">Whether any voxel is positive (the shares are 0 otherwise).</param>
/// <param name="Regions">The atlas regions holding most of it, largest share first (at most
/// <see cref="ExplanationSummary.RegionsKept"/>); empty without an atlas.</param>
/// <param name="OutsideRegionsPercent">The share outside every atlas region, or null without an atlas.</param>
/// <param name="LesionPercent">The share inside the lesion mask, or null without one (or with an empty one).</param>
/// <param name="LesionAreaPercent">The share of the scan's voxels the lesion covers, to 0.1, or null with <paramref name="LesionPercent"/>.</param>
/// <param name="Confounder">The share on the confounder mask, or null without one.</param>
/// <param name="Deletion">The score's change when the map's top voxels are deleted, or null where not measured.</param>
public sealed record MapFacts(
    string Method,
    bool HasPositiveRelevance,
    IReadOnlyList<RegionShare> Regions,
    int? OutsideRegionsPercent,
    int? LesionPercent,
    double? LesionAreaPercent,
    ConfounderShare? Confounder,
    DeletionFacts? Deletion);

/// <summary>An atlas region's share of a map's positive relevance.</summary>
/// <param name="Label">The atlas label.</param>
/// <param name="Name">Its name (from the names table, else "region LABEL").</param>
/// <param name="Percent">The share, in percent.</param>
public sealed record RegionShare(int Label, string Name, int Percent);

/// <summary>A confounder's share of a map's positive relevance.</summary>
/// <param name="Name">What the confounder is ("marker area").</param>
/// <param name="Percent">The share, in percent.</param>
/// <param name="AreaPercent">The share of the scan's voxels it covers, to 0.1: relevance well above it is drawn to the confounder.</param>
public sealed record ConfounderShare(string Name, int Percent, double AreaPercent);

/// <summary>The explained class's probability before and after the map's top voxels are deleted.</summary>
/// <param name="FractionPercent">The share of the model input's voxels deleted, in percent.</param>
/// <param name="ClassName">The explained class.</param>
/// <param name="BeforePercent">Its probability on the scan, in percent to 0.1.</param>
/// <param name="AfterPercent">Its probability with those voxels deleted, in percent to 0.1.</param>
public sealed record DeletionFacts(int FractionPercent, string ClassName, double BeforePercent, double AfterPercent);

/// <summary>How alike the methods rank the voxels.</summary>
/// <param name="Methods">The methods compared.</param>
/// <param name="MeanRankCorrelation">The mean of every pair's Spearman ρ of |map| (0.01).</param>
/// <param name="Verdict">What that mean says.</param>
public sealed record AgreementFacts(IReadOnlyList<string> Methods, double MeanRankCorrelation, AgreementVerdict Verdict);

/// <summary>How far methods agree about where the evidence is.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<AgreementVerdict>))]
public enum AgreementVerdict
{
    /// <summary>Mean ρ below <see cref="MethodAgreement.DisagreeBelow"/>.</summary>
    Disagree,

    /// <summary>Mean ρ between the two thresholds.</summary>
    InPart,

    /// <summary>Mean ρ of <see cref="MethodAgreement.AgreeFrom"/> or more.</summary>
    Agree,
}
