namespace MedExplain.Concepts;

/// <summary>How much a class depends on a concept at one layer, over a set of the class's inputs.</summary>
/// <param name="Score">The TCAV score: the fraction of inputs whose logit rises along the CAV (directional derivative
/// &gt; 0).</param>
/// <param name="MeanDerivative">The mean directional derivative, ∇logit · CAV (with the CAV normalised).</param>
/// <param name="Derivatives">Each input's directional derivative.</param>
public sealed record TcavScore(double Score, double MeanDerivative, float[] Derivatives);

/// <summary>
/// TCAV (Kim et al. 2018) from probed gradients and a CAV. Sign convention: MedExplain differentiates the class logit and
/// counts positive derivatives, as Captum does; TCAV's reference code differentiates the loss −log p(class) and counts
/// negative ones, which picks the same inputs (the loss falls exactly where the class's evidence rises, up to the
/// softmax's coupling of classes, which Captum and MedExplain avoid).
/// </summary>
public static class Tcav
{
    /// <summary>Scores a CAV on the gradients of the class's inputs at the CAV's layer (same pooling).</summary>
    /// <param name="gradients">d logit / d pooled activation, one per input (from <see cref="LayerProbe"/>).</param>
    /// <param name="cav">The concept's CAV at that layer.</param>
    public static TcavScore Score(IReadOnlyList<float[]> gradients, ConceptVector cav)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(cav);
        double norm = Math.Sqrt(cav.Direction.Sum(v => (double)v * v));
        float[] derivatives = [.. gradients.Select(g => (float)(norm > 0 ? g.Zip(cav.Direction, (a, b) => (double)a * b).Sum() / norm : 0))];
        return new TcavScore(derivatives.Count(d => d > 0) / (double)Math.Max(1, derivatives.Length), derivatives.Length == 0 ? 0 : derivatives.Average(d => (double)d), derivatives);
    }
}

/// <summary>Whether a concept's TCAV scores (one per random set it was trained against) differ from chance: the scores
/// of random-vs-random CAVs, by a two-sided Student's t-test as TCAV's reference code and Captum run it, with the
/// Bonferroni correction over every (layer, concept) tested.</summary>
/// <param name="P">The uncorrected two-sided p-value.</param>
/// <param name="CorrectedP">P times the number of comparisons, at most 1.</param>
/// <param name="Significant">Whether the corrected p-value is below the level.</param>
public sealed record TcavSignificance(double P, double CorrectedP, bool Significant)
{
    /// <summary>The usual level, as in TCAV's reference code.</summary>
    public const double Level = 0.05;

    /// <summary>Tests a concept's scores against random-vs-random scores.</summary>
    /// <param name="conceptScores">TCAV scores of the concept's CAVs, one per random set.</param>
    /// <param name="randomScores">TCAV scores of random-vs-random CAVs.</param>
    /// <param name="comparisons">How many (layer, concept) pairs were tested, for the correction.</param>
    public static TcavSignificance Of(IReadOnlyList<double> conceptScores, IReadOnlyList<double> randomScores, int comparisons)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(comparisons, 1);
        double p = TwoSampleTest.Run(conceptScores, randomScores).P;
        double corrected = Math.Min(1, p * comparisons);
        return new TcavSignificance(p, corrected, corrected < Level);
    }
}
