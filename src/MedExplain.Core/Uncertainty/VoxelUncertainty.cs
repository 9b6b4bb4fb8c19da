namespace MedExplain.Uncertainty;

/// <summary>
/// A segmentation's uncertainty at every voxel from several segmentations of the same input (MC dropout samples,
/// test-time augmentations inverted onto the input's grid, an ensemble): the measures of
/// <see cref="PredictiveUncertainty"/> per voxel, and the standard deviation across samples of the probability of the
/// class the mean predicts there. Entropies in nats.
/// </summary>
/// <param name="MeanProbabilities">Each class's mean probability per voxel, class-major.</param>
/// <param name="PredictiveEntropy">H of the mean probabilities per voxel.</param>
/// <param name="ExpectedEntropy">The mean of the samples' entropies per voxel.</param>
/// <param name="MutualInformation">PredictiveEntropy − ExpectedEntropy per voxel (rounding below 0 cut).</param>
/// <param name="StandardDeviation">The spread of the predicted class's probability per voxel.</param>
/// <param name="Samples">How many segmentations.</param>
public sealed record VoxelUncertainty(float[][] MeanProbabilities, float[] PredictiveEntropy, float[] ExpectedEntropy, float[] MutualInformation, float[] StandardDeviation, int Samples)
{
    /// <summary>Computes the maps from segmentations given one at a time, so that only running sums stay in memory.</summary>
    /// <param name="samples">Each segmentation's class probabilities, class-major (classes × voxels), all alike in shape.</param>
    /// <exception cref="MedExplainParameterException">No samples, or samples of different shapes.</exception>
    public static VoxelUncertainty Of(IEnumerable<float[][]> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var sums = new Sums();
        foreach (float[][] sample in samples)
        {
            sums.Add(sample);
        }

        return sums.Result();
    }

    /// <summary>Running sums over segmentations pushed one at a time (by MC dropout's batches, say).</summary>
    public sealed class Sums
    {
        private double[][]? _sum;
        private double[][]? _squares;
        private double[]? _entropy;
        private int _count;

        /// <summary>Adds one segmentation.</summary>
        /// <param name="sample">Its class probabilities, class-major (classes × voxels).</param>
        /// <exception cref="MedExplainParameterException">It differs in shape from the first.</exception>
        public void Add(IReadOnlyList<float[]> sample)
        {
            ArgumentNullException.ThrowIfNull(sample);
            _sum ??= [.. sample.Select(c => new double[c.Length])];
            _squares ??= [.. sample.Select(c => new double[c.Length])];
            _entropy ??= new double[sample[0].Length];
            if (sample.Count != _sum.Length || sample.Any(c => c.Length != _entropy.Length))
            {
                throw new MedExplainParameterException("samples", "segmentations of different shapes cannot be compared voxel by voxel.");
            }

            for (int c = 0; c < sample.Count; c++)
            {
                float[] p = sample[c];
                double[] sum = _sum[c], squares = _squares[c];
                for (int v = 0; v < p.Length; v++)
                {
                    sum[v] += p[v];
                    squares[v] += p[v] * (double)p[v];
                    _entropy[v] -= p[v] > 0 ? p[v] * Math.Log(p[v]) : 0;
                }
            }

            _count++;
        }

        /// <summary>The maps over the segmentations added so far.</summary>
        /// <exception cref="MedExplainParameterException">None was added.</exception>
        public VoxelUncertainty Result()
        {
            if (_count == 0 || _sum is null || _squares is null || _entropy is null)
            {
                throw new MedExplainParameterException("samples", "need one or more segmentations.");
            }

            int classes = _sum.Length, voxels = _entropy.Length, count = _count;
            float[][] mean = [.. _sum.Select(s => s.Select(v => (float)(v / count)).ToArray())];
            var predictive = new float[voxels];
            var expected = new float[voxels];
            var information = new float[voxels];
            var deviation = new float[voxels];
            for (int v = 0; v < voxels; v++)
            {
                double h = 0;
                int best = 0;
                for (int c = 0; c < classes; c++)
                {
                    double p = _sum[c][v] / count;
                    h -= p > 0 ? p * Math.Log(p) : 0;
                    best = p > _sum[best][v] / count ? c : best;
                }

                double e = _entropy[v] / count, m = _sum[best][v] / count;
                predictive[v] = (float)h;
                expected[v] = (float)e;
                information[v] = (float)Math.Max(0, h - e);
                deviation[v] = (float)Math.Sqrt(Math.Max(0, (_squares[best][v] / count) - (m * m)));
            }

            return new VoxelUncertainty(mean, predictive, expected, information, deviation, count);
        }
    }
}
