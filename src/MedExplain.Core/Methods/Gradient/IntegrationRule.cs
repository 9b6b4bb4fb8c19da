namespace MedExplain.Methods.Gradient;

/// <summary>Points α and weights w on [0, 1] with Σ w·g(α) ≈ ∫₀¹ g(α) dα.</summary>
internal static class IntegrationRule
{
    public static (double[] Alphas, double[] Weights) For(IntegrationKind kind, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        double m = steps;
        return kind switch
        {
            IntegrationKind.RiemannLeft => (Points(steps, k => k / m), Uniform(steps)),
            IntegrationKind.RiemannRight => (Points(steps, k => (k + 1) / m), Uniform(steps)),
            IntegrationKind.RiemannMiddle => (Points(steps, k => (k + 0.5) / m), Uniform(steps)),
            IntegrationKind.RiemannTrapezoid => (Points(steps, k => k / (m - 1)), Points(steps, k => (k == 0 || k == steps - 1 ? 0.5 : 1) / (m - 1))),
            IntegrationKind.GaussLegendre => GaussLegendre(steps),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown integration rule."),
        };
    }

    /// <summary>Gauss–Legendre nodes on [0, 1]: roots of Pₙ by Newton's method from Chebyshev guesses.</summary>
    private static (double[] Alphas, double[] Weights) GaussLegendre(int n)
    {
        var alphas = new double[n];
        var weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                (double p, double dp) = Legendre(n, x);
                derivative = dp;
                double step = p / dp;
                x -= step;
                if (Math.Abs(step) < 1e-15)
                {
                    break;
                }
            }

            (_, derivative) = Legendre(n, x);
            alphas[i] = (1 - x) / 2;
            weights[i] = 1 / ((1 - (x * x)) * derivative * derivative);
        }

        return (alphas, weights);
    }

    /// <summary>Pₙ(x) and Pₙ′(x) by the three-term recurrence.</summary>
    private static (double Value, double Derivative) Legendre(int n, double x)
    {
        double previous = 1, current = x;
        for (int k = 2; k <= n; k++)
        {
            (previous, current) = (current, (((2 * k) - 1) * x * current - ((k - 1) * previous)) / k);
        }

        return (current, n * ((x * current) - previous) / ((x * x) - 1));
    }

    private static double[] Points(int steps, Func<int, double> at) => [.. Enumerable.Range(0, steps).Select(at)];

    private static double[] Uniform(int steps) => [.. Enumerable.Repeat(1.0 / steps, steps)];
}
