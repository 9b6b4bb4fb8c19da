using MedExplain.Concepts;

namespace MedExplain.Pipelines.Concepts;

/// <summary>How to run a concept experiment.</summary>
/// <param name="Layers">The tensors probed (see <c>inspect</c>), one or several.</param>
/// <param name="TargetClass">The class whose logit is differentiated.</param>
/// <param name="Pooling">How a layer's activation becomes one vector for TCAV.</param>
/// <param name="Seed">Seeds the random sets, the CAVs' splits and shuffles, and the RCV repetitions.</param>
/// <param name="Ridge">The RCVs' L2 penalty (0: least squares, minimum-norm when values outnumber scans).</param>
/// <param name="Options">Memory budget and output name for the probes.</param>
public sealed record ConceptSettings(IReadOnlyList<string> Layers, int TargetClass, LayerPooling Pooling = LayerPooling.Flatten, int Seed = 0, double Ridge = 0, Methods.AttributionOptions? Options = null)
{
    /// <summary>Gets how a layer's activation becomes one vector for the regression concept vectors: by default one value
    /// per channel, since a regression needs fewer values than scans to generalise (flattened, the demo's lesion area
    /// gave a cross-validated R² below zero at every layer; channel means, 0.79).</summary>
    public LayerPooling MeasurePooling { get; init; } = LayerPooling.SpatialMean;

    /// <summary>Gets the CAVs' training settings (the seed is replaced per CAV).</summary>
    public CavOptions Cav { get; init; } = new();
}

/// <summary>A summary of scores: their mean and the 95% confidence interval of the mean (Student's t).</summary>
/// <param name="Mean">The mean.</param>
/// <param name="Low">The interval's lower end.</param>
/// <param name="High">The interval's upper end.</param>
public sealed record MeanInterval(double Mean, double Low, double High)
{
    /// <summary>Summarises values (fewer than two: no interval, both ends the mean).</summary>
    /// <param name="values">The values.</param>
    public static MeanInterval Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return new MeanInterval(double.NaN, double.NaN, double.NaN);
        }

        double mean = values.Average();
        if (values.Count < 2)
        {
            return new MeanInterval(mean, mean, mean);
        }

        (double low, double high) = TwoSampleTest.ConfidenceInterval(values);
        return new MeanInterval(mean, low, high);
    }
}

/// <summary>What TCAV says about one concept at one layer.</summary>
/// <param name="Concept">The concept.</param>
/// <param name="Layer">The layer.</param>
/// <param name="CavAccuracies">Each CAV's held-out accuracy, one per random set it was told apart from.</param>
/// <param name="Scores">The TCAV score (the fraction of the class's examples whose logit rises along the CAV) of each
/// learnable CAV.</param>
/// <param name="MeanDerivatives">The mean directional derivative (∇logit · CAV/|CAV|) of each learnable CAV: the size of
/// the effect, where the score is its direction.</param>
/// <param name="Score">The scores' mean and interval.</param>
/// <param name="P">The two-sided p-value against random-vs-random scores; null when fewer than two CAVs were learnable.</param>
/// <param name="CorrectedP">P with the Bonferroni correction over layers × concepts.</param>
/// <param name="Significant">Whether the corrected p is below 0.05.</param>
public sealed record ConceptScore(string Concept, string Layer, double[] CavAccuracies, double[] Scores, double[] MeanDerivatives, MeanInterval Score, double? P, double? CorrectedP, bool Significant)
{
    /// <summary>Gets a value indicating whether the concept could be told from random scans at this layer: at least two
    /// CAVs reached <see cref="ConceptVector.LearnableAccuracy"/>. Otherwise it is flagged, not scored.</summary>
    public bool Learnable => Scores.Length >= 2;
}

/// <summary>The random-vs-random baseline of one layer: the scores of CAVs between the first random set and each other.</summary>
/// <param name="Layer">The layer.</param>
/// <param name="Scores">The TCAV scores.</param>
/// <param name="Score">Their mean and interval.</param>
public sealed record RandomBaseline(string Layer, double[] Scores, MeanInterval Score);

/// <summary>How alike the concepts' CAVs are at one layer: the cosine between their mean unit directions (near 1: the
/// layer does not tell them apart).</summary>
/// <param name="Layer">The layer.</param>
/// <param name="Concepts">The concepts, in the matrix's order.</param>
/// <param name="Cosines">The cosine of each pair.</param>
public sealed record ConceptEntanglement(string Layer, IReadOnlyList<string> Concepts, double[][] Cosines);

/// <summary>What a regression concept vector says about one measure at one layer.</summary>
/// <param name="Measure">The measure.</param>
/// <param name="Layer">The layer.</param>
/// <param name="R2">The 3-fold cross-validated R² of the measure predicted from the layer.</param>
/// <param name="FoldCosine">The mean cosine between the folds' RCVs (their stability).</param>
/// <param name="Relevance">The bidirectional relevance Br = max(R², 0) · mean(S)/std(S) of S(x) = ∇logit · rcv/|rcv|.</param>
/// <param name="Repeats">Br of RCVs fitted on seeded subsamples of the scans.</param>
/// <param name="Shuffled">Br of RCVs fitted on the same subsamples with the measure's values shuffled: the computed
/// chance level.</param>
/// <param name="P">The two-sided p-value of Repeats against Shuffled; null when Br is undefined.</param>
/// <param name="CorrectedP">P with the Bonferroni correction over layers × measures.</param>
/// <param name="Significant">Whether the corrected p is below 0.05.</param>
/// <param name="Values">Each scan's measure.</param>
/// <param name="Logits">Each scan's logit of the class (the scatter's other axis).</param>
public sealed record MeasureRelevance(string Measure, string Layer, double R2, double FoldCosine, ConceptRelevance Relevance, double[] Repeats, double[] Shuffled, double? P, double? CorrectedP, bool Significant, double[] Values, double[] Logits)
{
    /// <summary>Gets why Br is not tested, or null when it is.</summary>
    public string? Note => Relevance.Relevance is null
        ? "S is the same for every scan (this layer reaches the logit linearly), so Br = mean/std is undefined; the sign of the mean sensitivity says whether the logit rises with the measure"
        : R2 <= 0 ? "the layer does not predict the measure (cross-validated R² ≤ 0): Br is 0" : null;
}

/// <summary>Everything a concept experiment found.</summary>
/// <param name="TargetClass">The class explained.</param>
/// <param name="ClassName">Its name, from the model card, or null.</param>
/// <param name="Settings">How it was run.</param>
/// <param name="RandomSets">How many random sets.</param>
/// <param name="RandomSetSize">Their size.</param>
/// <param name="Examples">The class's examples scored.</param>
/// <param name="Scores">Per concept and layer.</param>
/// <param name="Baselines">Per layer.</param>
/// <param name="Entanglements">Per layer.</param>
/// <param name="Measures">Per measure and layer.</param>
public sealed record ConceptResults(
    int TargetClass,
    string? ClassName,
    ConceptSettings Settings,
    int RandomSets,
    int RandomSetSize,
    IReadOnlyList<string> Examples,
    IReadOnlyList<ConceptScore> Scores,
    IReadOnlyList<RandomBaseline> Baselines,
    IReadOnlyList<ConceptEntanglement> Entanglements,
    IReadOnlyList<MeasureRelevance> Measures)
{
    /// <summary>Gets the learnable CAVs, to save and score new scans with (null when the study has no concept).</summary>
    public ConceptVectorSet? Vectors { get; init; }
}
