namespace MedExplain.Metrics;

/// <summary>Agreement across repeated runs: a measure averaged over every pair of them.</summary>
internal static class Pairwise
{
    /// <summary>The mean of <paramref name="measure"/> over every unordered pair of at least two runs.</summary>
    public static double Mean<T>(IReadOnlyList<T> runs, Func<T, T, double> measure, string parameterName)
    {
        if (runs.Count < 2)
        {
            throw new ArgumentException("A comparison across runs needs at least two runs.", parameterName);
        }

        double total = 0;
        int pairs = 0;
        for (int a = 0; a < runs.Count; a++)
        {
            for (int b = a + 1; b < runs.Count; b++)
            {
                total += measure(runs[a], runs[b]);
                pairs++;
            }
        }

        return total / pairs;
    }
}
