using MedExplain.Methods.Perturbation;

namespace MedExplain.Concepts;

/// <summary>A regression concept vector (Graziani et al.): the direction in a layer's activations along which a
/// continuous measure (lesion area, contrast…) grows, with how well the layer predicts the measure.</summary>
/// <param name="Direction">The least-squares weights of the measure on the activations.</param>
/// <param name="Intercept">The fit's intercept.</param>
/// <param name="CrossValidatedR2">R² of held-out predictions pooled over the folds.</param>
/// <param name="FoldCosine">The mean cosine between the folds' directions: how stable the direction is.</param>
public sealed record RegressionConceptVector(float[] Direction, double Intercept, double CrossValidatedR2, double FoldCosine);

/// <summary>The bidirectional relevance of a measure for a class (Graziani et al. 2020).</summary>
/// <param name="MeanSensitivity">The mean of S(x) = ∇logit · rcv/|rcv| over the inputs (signed: the gradient is never
/// taken in absolute value, as the public RCV code does).</param>
/// <param name="SensitivitySpread">The standard deviation of S(x).</param>
/// <param name="Relevance">Br = R² · mean(S) / std(S), with R² taken as 0 when negative (a layer that cannot predict the
/// measure has no relevance, rather than one of flipped sign); null when S is the same for every input (the layer reaches
/// the logit linearly), where the ratio is undefined and only the sign of the mean says anything.</param>
public sealed record ConceptRelevance(double MeanSensitivity, double SensitivitySpread, double? Relevance);

/// <summary>Fits regression concept vectors by least squares (the minimum-norm solution when activations have more
/// values than there are examples; a ridge on request), cross-validated over folds.</summary>
public static class RcvTrainer
{
    /// <summary>Fits the measure on the activations.</summary>
    /// <param name="activations">Pooled activations, one per example.</param>
    /// <param name="measures">The measure of each example.</param>
    /// <param name="ridge">An L2 penalty (0: plain least squares).</param>
    /// <param name="folds">Cross-validation folds (at least 2).</param>
    /// <param name="seed">The seed of the fold split.</param>
    public static RegressionConceptVector Fit(IReadOnlyList<float[]> activations, IReadOnlyList<double> measures, double ridge = 0, int folds = 3, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentNullException.ThrowIfNull(measures);
        if (activations.Count != measures.Count || activations.Count < 2 * folds || folds < 2)
        {
            throw new MedExplainParameterException("measures", $"needs one measure per example and at least {2 * Math.Max(2, folds)} examples for {folds}-fold cross-validation, not {measures.Count} measures for {activations.Count} examples.");
        }

        (double[] w, double b) = LeastSquares([.. Enumerable.Range(0, activations.Count)], activations, measures, ridge);
        var rng = new Random(seed);
        int[] order = [.. Enumerable.Range(0, activations.Count).OrderBy(_ => rng.Next())];
        var predicted = new double[activations.Count];
        var directions = new List<double[]>();
        for (int f = 0; f < folds; f++)
        {
            int[] held = [.. order.Where((_, n) => n % folds == f)], kept = [.. order.Where((_, n) => n % folds != f)];
            (double[] fw, double fb) = LeastSquares(kept, activations, measures, ridge);
            directions.Add(fw);
            foreach (int n in held)
            {
                predicted[n] = Dot(fw, activations[n]) + fb;
            }
        }

        double mean = measures.Average(), total = measures.Sum(m => (m - mean) * (m - mean));
        double residual = measures.Select((m, n) => (m - predicted[n]) * (m - predicted[n])).Sum();
        double r2 = total > 0 ? 1 - (residual / total) : 0;
        double cosine = directions.SelectMany((a, i) => directions.Skip(i + 1).Select(c => Cosine(a, c))).DefaultIfEmpty(1).Average();
        return new RegressionConceptVector([.. w.Select(v => (float)v)], b, r2, cosine);
    }

    /// <summary>The bidirectional relevance of an RCV for the class whose logit gradients are given.</summary>
    /// <param name="gradients">d logit / d pooled activation per input (from <see cref="LayerProbe"/>).</param>
    /// <param name="rcv">The RCV at that layer.</param>
    public static ConceptRelevance Relevance(IReadOnlyList<float[]> gradients, RegressionConceptVector rcv)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(rcv);
        float[] s = Tcav.Score(gradients, new ConceptVector(rcv.Direction, 0, 1)).Derivatives;
        double mean = s.Average(v => (double)v);
        double spread = Math.Sqrt(s.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, s.Length - 1));
        return new ConceptRelevance(mean, spread, spread > 1e-12 * Math.Abs(mean) && spread > 0 ? Math.Max(0, rcv.CrossValidatedR2) * mean / spread : null);
    }

    /// <summary>Centred least squares: primal normal equations when examples outnumber values, else the minimum-norm
    /// dual solution w = Xᵀ(XXᵀ + λI)⁻¹y.</summary>
    private static (double[] W, double B) LeastSquares(int[] rows, IReadOnlyList<float[]> x, IReadOnlyList<double> y, double ridge)
    {
        int n = rows.Length, d = x[rows[0]].Length;
        double[] meanX = new double[d];
        foreach (int r in rows)
        {
            for (int j = 0; j < d; j++)
            {
                meanX[j] += x[r][j] / (double)n;
            }
        }

        double meanY = rows.Average(r => y[r]);
        double Xc(int r, int j) => x[r][j] - meanX[j];
        double[] w = new double[d];
        if (n > d)
        {
            var a = new double[d, d];
            var b = new double[d];
            foreach (int r in rows)
            {
                for (int i = 0; i < d; i++)
                {
                    b[i] += Xc(r, i) * (y[r] - meanY);
                    for (int j = 0; j < d; j++)
                    {
                        a[i, j] += Xc(r, i) * Xc(r, j);
                    }
                }
            }

            for (int i = 0; i < d; i++)
            {
                a[i, i] += ridge;
            }

            w = LinearSystem.Solve(a, b);
        }
        else
        {
            var gram = new double[n, n];
            var b = new double[n];
            for (int p = 0; p < n; p++)
            {
                b[p] = y[rows[p]] - meanY;
                for (int q = 0; q < n; q++)
                {
                    double sum = 0;
                    for (int j = 0; j < d; j++)
                    {
                        sum += Xc(rows[p], j) * Xc(rows[q], j);
                    }

                    gram[p, q] = sum + (p == q ? ridge : 0);
                }
            }

            double[] dual = LinearSystem.Solve(gram, b);
            for (int p = 0; p < n; p++)
            {
                for (int j = 0; j < d; j++)
                {
                    w[j] += dual[p] * Xc(rows[p], j);
                }
            }
        }

        return (w, meanY - Enumerable.Range(0, d).Sum(j => w[j] * meanX[j]));
    }

    private static double Dot(double[] w, float[] x) => w.Select((v, j) => v * x[j]).Sum();

    private static double Cosine(double[] a, double[] b)
    {
        double dot = a.Zip(b, (p, q) => p * q).Sum(), na = Math.Sqrt(a.Sum(v => v * v)), nb = Math.Sqrt(b.Sum(v => v * v));
        return na > 0 && nb > 0 ? dot / (na * nb) : 0;
    }
}
