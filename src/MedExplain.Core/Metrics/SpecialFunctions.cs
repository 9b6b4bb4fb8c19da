namespace MedExplain.Metrics;

/// <summary>The special functions behind the tests' p-values: ln Γ, the regularised incomplete beta (Student's t) and
/// gamma (χ², and through erfc the normal distribution) functions.</summary>
internal static class SpecialFunctions
{
    /// <summary>I_x(a, b), the regularised incomplete beta function.</summary>
    internal static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        double front = Math.Exp((a * Math.Log(x)) + (b * Math.Log(1 - x)) - LogBeta(a, b));
        // The continued fraction converges fast for x below (a + 1) / (a + b + 2); use the symmetry beyond it.
        return x < (a + 1) / (a + b + 2) ? front * ContinuedFraction(x, a, b) / a : 1 - (front * ContinuedFraction(1 - x, b, a) / b);
    }

    private static double ContinuedFraction(double x, double a, double b)
    {
        const double Tiny = 1e-300, Epsilon = 1e-15;
        double c = 1, d = 1 - ((a + b) * x / (a + 1));
        d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
        double result = d;
        for (int m = 1; m <= 10_000; m++)
        {
            foreach (double coefficient in new[] { m * (b - m) * x / ((a + (2 * m) - 1) * (a + (2 * m))), -((a + m) * (a + b + m) * x) / ((a + (2 * m)) * (a + (2 * m) + 1)) })
            {
                d = 1 + (coefficient * d);
                d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
                c = 1 + (coefficient / c);
                c = Math.Abs(c) < Tiny ? Tiny : c;
                result *= d * c;
            }

            if (Math.Abs((d * c) - 1) < Epsilon)
            {
                break;
            }
        }

        return result;
    }

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms: about 15 significant digits).</summary>
    internal static double LogGamma(double x)
    {
        double[] g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        double sum = g[0];
        for (int i = 1; i < g.Length; i++)
        {
            sum += g[i] / (x + i);
        }

        double t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    /// <summary>Q(a, x) = Γ(a, x) / Γ(a), the regularised upper incomplete gamma function, for a &gt; 0 and x ≥ 0.</summary>
    internal static double RegularizedGammaQ(double a, double x)
    {
        if (x <= 0)
        {
            return 1;
        }

        double front = Math.Exp((a * Math.Log(x)) - x - LogGamma(a));
        if (x < a + 1)
        {
            // The series of P(a, x) converges fast below a + 1.
            double term = 1 / a, sum = term;
            for (int n = 1; n < 10_000 && Math.Abs(term) > Math.Abs(sum) * 1e-16; n++)
            {
                term *= x / (a + n);
                sum += term;
            }

            return Math.Max(0, 1 - (front * sum));
        }

        // Above it, Lentz's continued fraction of Q(a, x).
        const double Tiny = 1e-300;
        double b = x + 1 - a, c = 1 / Tiny, d = 1 / b, result = d;
        for (int n = 1; n < 10_000; n++)
        {
            double an = -n * (n - a);
            b += 2;
            d = (an * d) + b;
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = b + (an / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            result *= d * c;
            if (Math.Abs((d * c) - 1) < 1e-16)
            {
                break;
            }
        }

        return front * result;
    }

    /// <summary>P(χ² ≥ x) with <paramref name="df"/> degrees of freedom.</summary>
    internal static double ChiSquareSurvival(double x, double df) => RegularizedGammaQ(df / 2, x / 2);

    /// <summary>P(|Z| ≥ |z|) for a standard normal Z: erfc(|z| / √2) = Q(½, z² / 2).</summary>
    internal static double NormalTwoSided(double z) => RegularizedGammaQ(0.5, z * z / 2);
}
