namespace MedExplain.Methods.Perturbation;

/// <summary>
/// KernelSHAP: coalitions weighted by the Shapley kernel, (F − 1) / (C(F, s)·s·(F − s)), and a weighted least-squares
/// fit of the scores with the efficiency constraint Σφ = f(x) − f(baseline) built in. When the sample budget covers all
/// 2^F − 2 proper coalitions they are all enumerated and the result is the exact Shapley values; otherwise coalition
/// sizes are drawn in proportion to the kernel and subsets uniformly, with equal weights.
/// </summary>
internal sealed class KernelShapMethod : RegionMethod
{
    public override string Name => "kernel-shap";

    protected override CoalitionPlan Plan(int features, AttributionOptions options, Random random)
    {
        var coalitions = new List<bool[]> { new bool[features], With(features, Enumerable.Range(0, features)) };
        var weights = new List<double> { 0, 0 };
        bool enumerate = features <= 20 && (1L << features) - 2 <= options.Samples;
        if (enumerate)
        {
            for (long bits = 1; bits < (1L << features) - 1; bits++)
            {
                bool[] coalition = [.. Enumerable.Range(0, features).Select(f => (bits & (1L << f)) != 0)];
                int size = coalition.Count(b => b);
                coalitions.Add(coalition);
                weights.Add((features - 1) / (Binomial(features, size) * size * (features - size)));
            }
        }
        else
        {
            double[] sizeWeights = [.. Enumerable.Range(1, features - 1).Select(s => (features - 1) / (double)(s * (features - s)))];
            double total = sizeWeights.Sum();
            for (int k = 0; k < options.Samples; k++)
            {
                double u = random.NextDouble() * total;
                int size = 1;
                while (size < features - 1 && u > sizeWeights[size - 1])
                {
                    u -= sizeWeights[size - 1];
                    size++;
                }

                int[] order = [.. Enumerable.Range(0, features)];
                random.Shuffle(order);
                coalitions.Add(With(features, order.Take(size)));
                weights.Add(1);
            }
        }

        bool[][] all = [.. coalitions];
        double[] kernel = [.. weights];
        return new CoalitionPlan(all, scores => Estimate(all, kernel, scores, features))
        {
            Warning = enumerate ? null : CoalitionPlan.Undersampled(Name, options.Samples, features),
        };
    }

    private static RegionEstimate Estimate(bool[][] coalitions, double[] weights, float[] scores, int features)
    {
        double empty = scores[0], full = scores[1], delta = full - empty;
        if (features == 1)
        {
            return new RegionEstimate([delta], null, new Dictionary<Diagnostic, double>());
        }

        // φ_last = Δ − Σ_{j<last} φ_j; regress y − z_last·Δ on (z_j − z_last), j < last, weighted.
        int m = features - 1;
        var normal = new double[m, m];
        var right = new double[m];
        for (int k = 2; k < coalitions.Length; k++)
        {
            double w = weights[k], zLast = coalitions[k][m] ? 1 : 0;
            double y = scores[k] - empty - (zLast * delta);
            var row = new double[m];
            for (int j = 0; j < m; j++)
            {
                row[j] = (coalitions[k][j] ? 1 : 0) - zLast;
            }

            for (int a = 0; a < m; a++)
            {
                right[a] += w * row[a] * y;
                for (int b = 0; b < m; b++)
                {
                    normal[a, b] += w * row[a] * row[b];
                }
            }
        }

        double[] head = LinearSystem.Solve(normal, right);
        double[] values = [.. head, delta - head.Sum()];
        return new RegionEstimate(values, null, new Dictionary<Diagnostic, double> { [Diagnostic.Coalitions] = coalitions.Length - 2 });
    }

    private static double Binomial(int n, int k)
    {
        double result = 1;
        for (int i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }
}
