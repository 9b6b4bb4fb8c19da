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
        return new TTestResult(t, df, MedExplain.Metrics.SpecialFunctions.RegularizedBeta(df / (df + (t * t)), df / 2, 0.5));
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
        while (MedExplain.Metrics.SpecialFunctions.RegularizedBeta(df / (df + (high * high)), df / 2, 0.5) > tail)
        {
            high *= 2;
        }

        for (int i = 0; i < 200 && high - low > 1e-12 * high; i++)
        {
            double mid = (low + high) / 2;
            (low, high) = MedExplain.Metrics.SpecialFunctions.RegularizedBeta(df / (df + (mid * mid)), df / 2, 0.5) > tail ? (mid, high) : (low, mid);
        }

        return (low + high) / 2;
    }

    private static (double Mean, double Variance) MeanVariance(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return (mean, values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
