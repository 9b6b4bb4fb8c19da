namespace MedExplain.Uncertainty;

/// <summary>
/// How sure a model is, from several predictions of the same input (MC dropout samples, test-time augmentations, an
/// ensemble): the mean probabilities, the predictive entropy H[mean p], the expected entropy E[H[p]] (the noise the
/// model sees in the data, aleatoric) and their difference, the mutual information between the prediction and the
/// model's parameters (the model's own uncertainty, epistemic; Gal 2016). Entropies in nats.
/// </summary>
/// <param name="MeanProbabilities">The mean of the samples' probabilities per class.</param>
/// <param name="PredictiveEntropy">H of the mean probabilities.</param>
/// <param name="ExpectedEntropy">The mean of the samples' entropies.</param>
/// <param name="MutualInformation">PredictiveEntropy − ExpectedEntropy (never below 0 up to rounding, which is cut).</param>
/// <param name="Samples">How many predictions.</param>
public sealed record PredictiveUncertainty(float[] MeanProbabilities, double PredictiveEntropy, double ExpectedEntropy, double MutualInformation, int Samples)
{
    /// <summary>Computes the measures from the samples' class probabilities.</summary>
    /// <param name="probabilities">One probability vector per sample, all the same length, each summing to 1.</param>
    /// <exception cref="MedExplainParameterException">No samples, or vectors of different lengths.</exception>
    public static PredictiveUncertainty Of(IReadOnlyList<float[]> probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.Count == 0 || probabilities.Any(p => p.Length != probabilities[0].Length || p.Length == 0))
        {
            throw new MedExplainParameterException("samples", $"need one or more probability vectors of one length, not {probabilities.Count} of lengths {string.Join(", ", probabilities.Select(p => p.Length).Distinct())}.");
        }

        int classes = probabilities[0].Length;
        float[] mean = new float[classes];
        for (int c = 0; c < classes; c++)
        {
            mean[c] = (float)probabilities.Average(p => (double)p[c]);
        }

        double predictive = Entropy(mean), expected = probabilities.Average(Entropy);
        return new PredictiveUncertainty(mean, predictive, expected, Math.Max(0, predictive - expected), probabilities.Count);
    }

    /// <summary>−Σ p log p, with 0 log 0 = 0.</summary>
    /// <param name="probabilities">A probability vector.</param>
    public static double Entropy(IReadOnlyList<float> probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        return -probabilities.Where(p => p > 0).Sum(p => p * Math.Log(p));
    }
}
