namespace MedExplain.Methods.Perturbation;

/// <summary>
/// LIME (Ribeiro et al., 2016) over regions (superpixels of the item when no mask is given): random coalitions (each region kept with probability ½, plus the whole
/// input), weighted by an exponential kernel on their cosine distance to the whole input (width 0.25), and a weighted
/// ridge regression (α = 1, intercept unpenalised) of the scores on the kept regions. The coefficients are the
/// attribution; the weighted R² of the fit says how far the local linear story can be trusted.
/// </summary>
internal sealed class LimeMethod : RegionMethod
{
    private const double KernelWidth = 0.25;
    private const double Ridge = 1;

    public override string Name => "lime";

    /// <summary>Without a mask LIME explains superpixels (2D) or supervoxels (3D) of the item itself.</summary>
    protected override FeatureRegions DefaultRegions(float[] item, int[] itemShape) =>
        FeatureRegions.Of(Superpixels.Slic(item, itemShape, DefaultCells(itemShape)), itemShape);

    protected override CoalitionPlan Plan(int features, AttributionOptions options, Random random)
    {
        var coalitions = new List<bool[]> { With(features, Enumerable.Range(0, features)) };
        for (int k = 0; k < options.Samples; k++)
        {
            coalitions.Add([.. Enumerable.Range(0, features).Select(_ => random.NextDouble() < 0.5)]);
        }

        bool[][] all = [.. coalitions];
        return new CoalitionPlan(all, scores => Fit(all, scores, features)) { Warning = CoalitionPlan.Undersampled(Name, options.Samples, features) };
    }

    private static RegionEstimate Fit(bool[][] coalitions, float[] scores, int features)
    {
        // Columns: intercept, then one per region.
        int n = features + 1;
        var normal = new double[n, n];
        var right = new double[n];
        var weights = new double[coalitions.Length];
        for (int k = 0; k < coalitions.Length; k++)
        {
            int kept = coalitions[k].Count(b => b);
            double cosine = kept == 0 ? 0 : kept / Math.Sqrt(kept * (double)features);
            double distance = 1 - cosine;
            weights[k] = Math.Exp(-(distance * distance) / (KernelWidth * KernelWidth));
            double[] row = Row(coalitions[k]);
            for (int a = 0; a < n; a++)
            {
                right[a] += weights[k] * row[a] * scores[k];
                for (int b = 0; b < n; b++)
                {
                    normal[a, b] += weights[k] * row[a] * row[b];
                }
            }
        }

        for (int a = 1; a < n; a++)
        {
            normal[a, a] += Ridge;
        }

        double[] beta = LinearSystem.Solve(normal, right);
        double meanScore = Enumerable.Range(0, coalitions.Length).Sum(k => weights[k] * scores[k]) / weights.Sum();
        double residual = 0, total = 0;
        for (int k = 0; k < coalitions.Length; k++)
        {
            double[] row = Row(coalitions[k]);
            double predicted = Enumerable.Range(0, n).Sum(a => beta[a] * row[a]);
            residual += weights[k] * (scores[k] - predicted) * (scores[k] - predicted);
            total += weights[k] * (scores[k] - meanScore) * (scores[k] - meanScore);
        }

        return new RegionEstimate(beta[1..], null, new Dictionary<Diagnostic, double>
        {
            [Diagnostic.FitR2] = total > 0 ? 1 - (residual / total) : 1,
            [Diagnostic.Intercept] = beta[0],
        });

        double[] Row(bool[] coalition) => [1, .. coalition.Select(b => b ? 1.0 : 0.0)];
    }
}
