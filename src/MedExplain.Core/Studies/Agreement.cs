namespace MedExplain.Studies;

/// <summary>How the values raters give are measured, which decides how far apart two values are for Krippendorff's α.</summary>
public enum MeasurementLevel
{
    /// <summary>Categories: two values agree or not.</summary>
    Nominal,

    /// <summary>Ordered categories (a Likert scale): distance by how many values lie between, as used.</summary>
    Ordinal,

    /// <summary>Numbers on an interval scale: the squared difference.</summary>
    Interval,

    /// <summary>Numbers with a true zero: the squared difference relative to the sum.</summary>
    Ratio,
}

/// <summary>Inter-rater agreement: Fleiss' κ for a fixed number of raters per subject, and Krippendorff's α for any
/// number of raters with missing ratings, at any level of measurement.</summary>
public static class Agreement
{
    /// <summary>Fleiss' κ (Fleiss 1971): how much more the raters agree than chance would have them.</summary>
    /// <param name="counts">Per subject, how many raters chose each category; every subject rated by the same number of raters (two or more).</param>
    /// <exception cref="MedExplainParameterException">No subjects, or subjects rated by different numbers of raters, or fewer than two.</exception>
    public static double FleissKappa(IReadOnlyList<int[]> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int raters = counts.Count > 0 ? counts[0].Sum() : 0;
        if (raters < 2 || counts.Any(c => c.Sum() != raters || c.Length != counts[0].Length || c.Any(n => n < 0)))
        {
            throw new MedExplainParameterException("counts", "need one or more subjects, each rated by the same number of raters (two or more) over the same categories.");
        }

        double agreement = counts.Average(c => c.Sum(n => n * (n - 1.0)) / (raters * (raters - 1.0)));
        double chance = Enumerable.Range(0, counts[0].Length).Sum(j =>
        {
            double share = counts.Sum(c => c[j]) / (double)(counts.Count * raters);
            return share * share;
        });
        return chance >= 1 ? 1 : (agreement - chance) / (1 - chance);
    }

    /// <summary>Krippendorff's α: 1 − observed / expected disagreement, over the values pairable within units (a unit
    /// with fewer than two values counts for nothing). 1 is perfect agreement, 0 what chance gives.</summary>
    /// <param name="ratings">Per rater, one value per unit (null where the rater did not rate it).</param>
    /// <param name="level">How the values are measured.</param>
    /// <exception cref="MedExplainParameterException">Raters rate different numbers of units, or no unit has two values.</exception>
    public static double KrippendorffAlpha(IReadOnlyList<double?[]> ratings, MeasurementLevel level)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        int units = ratings.Count > 0 ? ratings[0].Length : 0;
        if (ratings.Any(r => r.Length != units))
        {
            throw new MedExplainParameterException("ratings", "need one value (or null) per unit from every rater.");
        }

        // The coincidence matrix: every ordered pair of values from different raters within a unit, weighed 1/(m − 1).
        double[] values = [.. ratings.SelectMany(r => r).OfType<double>().Distinct().Order()];
        var position = values.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
        var coincidences = new double[values.Length, values.Length];
        for (int u = 0; u < units; u++)
        {
            int[] pairable = [.. ratings.Select(r => r[u]).OfType<double>().Select(v => position[v])];
            for (int a = 0; a < pairable.Length && pairable.Length > 1; a++)
            {
                for (int b = 0; b < pairable.Length; b++)
                {
                    if (a != b)
                    {
                        coincidences[pairable[a], pairable[b]] += 1.0 / (pairable.Length - 1);
                    }
                }
            }
        }

        double[] marginals = [.. Enumerable.Range(0, values.Length).Select(c => Enumerable.Range(0, values.Length).Sum(k => coincidences[c, k]))];
        double total = marginals.Sum();
        if (total < 2)
        {
            throw new MedExplainParameterException("ratings", "hold no unit rated by two or more raters: agreement cannot be measured.");
        }

        double observed = 0, expected = 0;
        for (int c = 0; c < values.Length; c++)
        {
            for (int k = 0; k < values.Length; k++)
            {
                double distance = Distance(c, k, values, marginals, level);
                observed += coincidences[c, k] * distance;
                expected += marginals[c] * marginals[k] * distance;
            }
        }

        return expected == 0 ? 1 : 1 - ((total - 1) * observed / expected);
    }

    /// <summary>δ²(c, k) between the c-th and k-th smallest values.</summary>
    private static double Distance(int c, int k, double[] values, double[] marginals, MeasurementLevel level)
    {
        double a = values[c], b = values[k];
        switch (level)
        {
            case MeasurementLevel.Nominal:
                return c == k ? 0 : 1;
            case MeasurementLevel.Interval:
                return (a - b) * (a - b);
            case MeasurementLevel.Ratio:
                return a + b == 0 ? 0 : ((a - b) / (a + b)) * ((a - b) / (a + b));
            default:
                // Ordinal: the values used from one to the other, less half of each end's own.
                int low = Math.Min(c, k), high = Math.Max(c, k);
                double between = 0;
                for (int g = low; g <= high; g++)
                {
                    between += marginals[g];
                }

                between -= (marginals[low] + marginals[high]) / 2;
                return between * between;
        }
    }
}
