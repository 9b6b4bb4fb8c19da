namespace MedExplain.Metrics;

/// <summary>Orderings and ranks of values: a map's voxels from the most relevant, and ranks with ties averaged as rank
/// correlations and rank tests use them.</summary>
internal static class Ranking
{
    /// <summary>Voxel indices from the largest value to the smallest (ties by index, NaN last).</summary>
    public static int[] Descending(ReadOnlySpan<float> values)
    {
        // Sorting negated keys with the indices alongside is several times faster than a comparison delegate.
        var keys = new float[values.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = float.IsNaN(values[i]) ? float.PositiveInfinity : -values[i];
        }

        int[] order = [.. Enumerable.Range(0, keys.Length)];
        Array.Sort(keys, order);
        for (int start = 0, end; start < keys.Length; start = end)
        {
            for (end = start + 1; end < keys.Length && keys[end] == keys[start]; end++)
            {
            }

            if (end - start > 1)
            {
                Array.Sort(order, start, end - start); // ties keep index order
            }
        }

        return order;
    }

    /// <summary>Each value's rank from 1, tied values sharing their mean rank; and Σ (t³ − t) over the groups of t ties,
    /// the rank tests' tie correction.</summary>
    internal static (double[] Ranks, double Ties) Of(IReadOnlyList<double> values)
    {
        int[] order = [.. Enumerable.Range(0, values.Count).OrderBy(i => values[i])];
        var ranks = new double[values.Count];
        double ties = 0;
        for (int start = 0, end; start < order.Length; start = end)
        {
            for (end = start + 1; end < order.Length && values[order[end]] == values[order[start]]; end++)
            {
            }

            for (int r = start; r < end; r++)
            {
                ranks[order[r]] = ((start + end - 1) / 2.0) + 1;
            }

            double t = end - start;
            ties += (t * t * t) - t;
        }

        return (ranks, ties);
    }
}
