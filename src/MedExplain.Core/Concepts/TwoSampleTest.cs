namespace MedExplain.Concepts;

/// <summary>A two-sample t-test's result.</summary>
/// <param name="T">The t statistic (positive when the first sample's mean is larger).</param>
/// <param name="DegreesOfFreedom">Its degrees of freedom.</param>
/// <param name="P">The two-sided p-value.</param>
public sealed record TTestResult(double T, double DegreesOfFreedom, double P);

/// <summary>
/// Two-sample t-tests, as TCAV's reference code and Captum run them (SciPy's <c>ttest_ind</c>): Student's with pooled
/// variance by default, Welch's on request. The p-value comes from the regularised incomplete beta function, evaluated
/// by its continued fraction (Lentz's method), so no statistics package is needed at run time.
/// </summary>
public static class TwoSampleTest
{
    /// <summary>Tests whether two samples have the same mean.</summary>
    /// <param name="a">The first sample (at least 2 values).</param>
    /// <param name="b">The second sample (at least 2 values).</param>
    /// <param name="equalVariance">True for Student's test (pooled variance), false for Welch's.</param>
    public static TTestResult Run(IReadOnlyList<double> a, IReadOnlyList<double> b, bool equalVariance = true)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count < 2 || b.Count < 2)
        {
            throw new MedExplainParameterException("samples", $"need at least 2 values each for a t-test, not {a.Count} and {b.Count}.");
        }

        (double meanA, double varA) = MeanVariance(a);
        (double meanB, double varB) = MeanVariance(b);
        int na = a.Count, nb = b.Count;
        double se, df;
        if (equalVariance)
        {
            df = na + nb - 2;
            double pooled = (((na - 1) * varA) + ((nb - 1) * varB)) / df;
            se = Math.Sqrt(pooled * ((1.0 / na) + (1.0 / nb)));
        }
        else
        {
            double qa = varA / na, qb = varB / nb;
            se = Math.Sqrt(qa + qb);
            df = (qa + qb) * (qa + qb) / ((qa * qa / (na - 1)) + (qb * qb / (nb - 1)));
        }

        if (se == 0)
        {
            // Both samples constant: equal means are certain, different ones infinitely significant.
            return meanA == meanB ? new TTestResult(0, df, 1) : new TTestResult(meanA > meanB ? double.PositiveInfinity : double.NegativeInfinity, df, 0);
        }

        double t = (meanA - meanB) / se;
        return new TTestResult(t, df, RegularizedBeta(df / (df + (t * t)), df / 2, 0.5));
    }

    /// <summary>The confidence interval of a sample's mean by Student's t (the bars' whiskers in concept reports).</summary>
    /// <param name="values">The sample (at least 2 values).</param>
    /// <param name="level">The confidence level, such as 0.95.</param>
    public static (double Low, double High) ConfidenceInterval(IReadOnlyList<double> values, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2 || level is <= 0 or >= 1)
        {
            throw new MedExplainParameterException("samples", $"need at least 2 values and a level between 0 and 1 for a confidence interval, not {values.Count} values at {level}.");
        }

        (double mean, double variance) = MeanVariance(values);
        double half = StudentQuantile(1 - level, values.Count - 1) * Math.Sqrt(variance / values.Count);
        return (mean - half, mean + half);
    }

    /// <summary>The t with two-sided tail probability <paramref name="tail"/> at <paramref name="df"/> degrees of freedom,
    /// by bisection of the tail (monotone in t).</summary>
    private static double StudentQuantile(double tail, double df)
    {
        double low = 0, high = 1;
        while (RegularizedBeta(df / (df + (high * high)), df / 2, 0.5) > tail)
        {
            high *= 2;
        }

        for (int i = 0; i < 200 && high - low > 1e-12 * high; i++)
        {
            double mid = (low + high) / 2;
            (low, high) = RegularizedBeta(df / (df + (mid * mid)), df / 2, 0.5) > tail ? (mid, high) : (low, mid);
        }

        return (low + high) / 2;
    }

    private static (double Mean, double Variance) MeanVariance(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return (mean, values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>I_x(a, b), the regularised incomplete beta function.</summary>
    private static double RegularizedBeta(double x, double a, double b)
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
    private static double LogGamma(double x)
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
}
