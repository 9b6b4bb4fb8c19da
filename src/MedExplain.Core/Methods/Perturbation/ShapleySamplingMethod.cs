namespace MedExplain.Methods.Perturbation;

/// <summary>
/// Shapley value sampling: random orderings of the regions; along each, regions are added one by one from the baseline
/// and each gets its marginal score change. With antithetic sampling every ordering is also run reversed and the pair
/// counts as one sample. Every ordering's changes add up to f(x) − f(baseline) exactly; standard errors come from the
/// spread over orderings.
/// </summary>
internal sealed class ShapleySamplingMethod : RegionMethod
{
    public override string Name => "shapley-sampling";

    protected override CoalitionPlan Plan(int features, AttributionOptions options, Random random)
    {
        var coalitions = new List<bool[]> { new bool[features] };
        var orders = new List<int[]>();
        for (int p = 0; p < options.Samples; p++)
        {
            int[] order = [.. Enumerable.Range(0, features)];
            random.Shuffle(order);
            Add(order);
            if (options.Antithetic)
            {
                Add([.. order.Reverse()]);
            }
        }

        return new CoalitionPlan([.. coalitions], scores => Estimate(orders, scores, features, options.Antithetic));

        void Add(int[] order)
        {
            orders.Add(order);
            for (int n = 1; n <= features; n++)
            {
                coalitions.Add(With(features, order.Take(n)));
            }
        }
    }

    private static RegionEstimate Estimate(List<int[]> orders, float[] scores, int features, bool antithetic)
    {
        // scores[0] is the baseline; ordering o's coalitions sit at 1 + o·F … F + o·F.
        var marginals = new double[orders.Count, features];
        for (int o = 0; o < orders.Count; o++)
        {
            double previous = scores[0];
            for (int n = 0; n < features; n++)
            {
                double current = scores[1 + (o * features) + n];
                marginals[o, orders[o][n]] = current - previous;
                previous = current;
            }
        }

        int group = antithetic ? 2 : 1, samples = orders.Count / group;
        var values = new double[features];
        var errors = new double[features];
        for (int f = 0; f < features; f++)
        {
            double[] sample = [.. Enumerable.Range(0, samples).Select(s => Enumerable.Range(0, group).Average(g => marginals[(s * group) + g, f]))];
            double mean = sample.Average();
            values[f] = mean;
            errors[f] = samples > 1 ? Math.Sqrt(sample.Sum(v => (v - mean) * (v - mean)) / (samples - 1) / samples) : double.NaN;
        }

        return new RegionEstimate(values, errors, new Dictionary<Diagnostic, double> { [Diagnostic.Orderings] = orders.Count });
    }
}
