namespace MedExplain.Metrics;

/// <summary>How well a map points at a lesion mask (values &gt; 0 inside). Each is a number in [0, 1]; higher is better.</summary>
public static class Localisation
{
    /// <summary>Pointing game: 1 when the map's largest value lies inside the mask, else 0.</summary>
    /// <param name="map">The attribution, one value per voxel.</param>
    /// <param name="mask">The lesion mask, same grid.</param>
    public static double PointingGame(ReadOnlySpan<float> map, ReadOnlySpan<float> mask)
    {
        Check(map, mask);
        int best = 0;
        for (int i = 1; i < map.Length; i++)
        {
            best = map[i] > map[best] ? i : best;
        }

        return mask[best] > 0 ? 1 : 0;
    }

    /// <summary>Relevance mass: the share of positive attribution that falls inside the mask (0 when there is none).</summary>
    /// <param name="map">The attribution.</param>
    /// <param name="mask">The lesion mask.</param>
    public static double RelevanceMass(ReadOnlySpan<float> map, ReadOnlySpan<float> mask)
    {
        Check(map, mask);
        double inside = 0, total = 0;
        for (int i = 0; i < map.Length; i++)
        {
            double positive = Math.Max(map[i], 0);
            total += positive;
            inside += mask[i] > 0 ? positive : 0;
        }

        return total > 0 ? inside / total : 0;
    }

    /// <summary>Relevance rank: of the |mask| voxels with the largest values, the share inside the mask.</summary>
    /// <param name="map">The attribution.</param>
    /// <param name="mask">The lesion mask.</param>
    public static double RelevanceRank(ReadOnlySpan<float> map, ReadOnlySpan<float> mask)
    {
        Check(map, mask);
        int size = 0;
        foreach (float m in mask)
        {
            size += m > 0 ? 1 : 0;
        }

        if (size == 0)
        {
            return 0;
        }

        int[] order = Ranking.Descending(map);
        int hits = 0;
        for (int r = 0; r < size; r++)
        {
            hits += mask[order[r]] > 0 ? 1 : 0;
        }

        return hits / (double)size;
    }

    /// <summary>Intersection over union of the mask and the map thresholded at a quantile of its values.</summary>
    /// <param name="map">The attribution.</param>
    /// <param name="mask">The lesion mask.</param>
    /// <param name="quantile">Voxels above this quantile of the map count as "on" (0.95 keeps the top 5%).</param>
    public static double Iou(ReadOnlySpan<float> map, ReadOnlySpan<float> mask, double quantile = 0.95)
    {
        Check(map, mask);
        float[] sorted = map.ToArray();
        Array.Sort(sorted);
        float threshold = sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(quantile * sorted.Length))];
        int both = 0, either = 0;
        for (int i = 0; i < map.Length; i++)
        {
            bool on = map[i] >= threshold && map[i] > 0, inside = mask[i] > 0;
            both += on && inside ? 1 : 0;
            either += on || inside ? 1 : 0;
        }

        return either > 0 ? both / (double)either : 0;
    }

    private static void Check(ReadOnlySpan<float> map, ReadOnlySpan<float> mask)
    {
        if (map.Length != mask.Length || map.IsEmpty)
        {
            throw new ArgumentException($"The map ({map.Length} values) and the mask ({mask.Length}) must cover the same voxels.", nameof(mask));
        }
    }
}
