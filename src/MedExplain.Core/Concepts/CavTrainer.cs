namespace MedExplain.Concepts;

/// <summary>Trains concept activation vectors (see <see cref="CavOptions"/>).</summary>
public static class CavTrainer
{
    private const int EpochsWithoutProgress = 5;

    /// <summary>Trains the CAV separating <paramref name="concept"/> from <paramref name="random"/> activations.</summary>
    /// <param name="concept">Pooled activations of the concept's examples.</param>
    /// <param name="random">Pooled activations of a random set's examples, the same length.</param>
    /// <param name="options">Training settings; null for TCAV's.</param>
    /// <exception cref="MedExplainParameterException">Fewer than 3 examples on a side, or vectors of different lengths.</exception>
    public static ConceptVector Train(IReadOnlyList<float[]> concept, IReadOnlyList<float[]> random, CavOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(concept);
        ArgumentNullException.ThrowIfNull(random);
        options ??= new CavOptions();
        int per = Math.Min(concept.Count, random.Count);
        if (per < 3)
        {
            throw new MedExplainParameterException("concept", $"needs at least 3 examples on each side to train and hold out, not {concept.Count} and {random.Count}.");
        }

        int length = concept[0].Length;
        if (concept.Concat(random).Any(v => v.Length != length))
        {
            throw new MedExplainParameterException("concept", "has activation vectors of different lengths; pool them the same way at one layer.");
        }

        // Balanced classes (TCAV subsamples the larger side), then a stratified split: a third of each side held out.
        var rng = new Random(options.Seed);
        float[][] positives = [.. concept.OrderBy(_ => rng.Next()).Take(per)], negatives = [.. random.OrderBy(_ => rng.Next()).Take(per)];
        int heldOut = Math.Max(1, per / 3);
        (float[] X, int Y)[] train = [.. positives.Skip(heldOut).Select(x => (x, 1)), .. negatives.Skip(heldOut).Select(x => (x, -1))];
        (float[] X, int Y)[] test = [.. positives.Take(heldOut).Select(x => (x, 1)), .. negatives.Take(heldOut).Select(x => (x, -1))];
        return Train(train, test, options, rng);
    }

    /// <summary>Trains on a given split (labels +1 for the concept, −1 for random), for comparison with a peer given the
    /// same split.</summary>
    internal static ConceptVector Train((float[] X, int Y)[] train, (float[] X, int Y)[] test, CavOptions options, Random rng)
    {
        (double[] w, double b) = Sgd(train, train[0].X.Length, options, rng);
        double accuracy = test.Count(e => Math.Sign(Dot(w, e.X) + b) == e.Y) / (double)test.Length;
        return new ConceptVector([.. w.Select(v => (float)v)], b, accuracy);
    }

    /// <summary>SGD on the L2-penalised loss with scikit-learn's 'optimal' schedule, η = 1 / (α (t₀ + t − 1)), where t₀
    /// follows Bottou's heuristic (η₀ = 1/√√α for both losses). As scikit-learn, the weights are kept as a scale times a
    /// vector, so the penalty's shrink costs one multiplication instead of a pass over every value.</summary>
    private static (double[] W, double B) Sgd((float[] X, int Y)[] examples, int length, CavOptions options, Random rng)
    {
        var v = new double[length];
        double scale = 1, b = 0, alpha = options.Alpha;
        double t0 = 1 / (Math.Sqrt(1 / Math.Sqrt(alpha)) * alpha), t = 1;
        double best = double.PositiveInfinity;
        int stale = 0;
        int[] order = [.. Enumerable.Range(0, examples.Length)];
        for (int epoch = 0; epoch < options.MaxEpochs && stale < EpochsWithoutProgress; epoch++)
        {
            rng.Shuffle(order);
            double loss = 0;
            foreach (int n in order)
            {
                (float[] x, int y) = examples[n];
                double eta = 1 / (alpha * (t0 + t - 1));
                double margin = y * ((scale * Dot(v, x)) + b);
                (double value, double slope) = Loss(options.Loss, margin);
                loss += value;
                scale *= Math.Max(0, 1 - (eta * alpha));
                if (slope != 0)
                {
                    // The step −η · dloss/dp, with dloss/dp = −y · slope.
                    double step = eta * y * slope / scale;
                    for (int i = 0; i < length; i++)
                    {
                        v[i] += step * x[i];
                    }

                    b += eta * y * slope;
                }

                if (scale < 1e-9)
                {
                    // Fold the scale back in before it underflows, as scikit-learn does.
                    for (int i = 0; i < length; i++)
                    {
                        v[i] *= scale;
                    }

                    scale = 1;
                }

                t++;
            }

            (stale, best) = loss > best - (options.Tolerance * examples.Length) ? (stale + 1, Math.Min(best, loss)) : (0, loss);
        }

        return ([.. v.Select(value => value * scale)], b);
    }

    /// <summary>The loss at margin z = y·p and −dloss/dz, as scikit-learn's Hinge (threshold 1) and Log losses compute
    /// them (with their cut-offs at |z| = 18).</summary>
    private static (double Value, double Slope) Loss(CavLoss loss, double z) => loss switch
    {
        CavLoss.Hinge => z <= 1 ? (1 - z, 1) : (0, 0),
        _ when z > 18 => (Math.Exp(-z), Math.Exp(-z)),
        _ when z < -18 => (-z, 1),
        _ => (Math.Log(1 + Math.Exp(-z)), 1 / (Math.Exp(z) + 1)),
    };

    private static double Dot(double[] w, float[] x)
    {
        double sum = 0;
        for (int i = 0; i < w.Length; i++)
        {
            sum += w[i] * x[i];
        }

        return sum;
    }
}
