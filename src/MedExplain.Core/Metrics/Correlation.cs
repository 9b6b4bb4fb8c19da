namespace MedExplain.Metrics;

/// <summary>Pearson's correlation, shared by sensitivity-n and the rank correlation of the randomisation check.</summary>
internal static class Correlation
{
    /// <summary>Pearson's r of two equally long series; 0 when either is constant.</summary>
    public static double Pearson(double[] a, double[] b)
    {
        double meanA = a.Average(), meanB = b.Average(), covariance = 0, varianceA = 0, varianceB = 0;
        for (int i = 0; i < a.Length; i++)
        {
            covariance += (a[i] - meanA) * (b[i] - meanB);
            varianceA += (a[i] - meanA) * (a[i] - meanA);
            varianceB += (b[i] - meanB) * (b[i] - meanB);
        }

        return varianceA > 0 && varianceB > 0 ? covariance / Math.Sqrt(varianceA * varianceB) : 0;
    }
}
