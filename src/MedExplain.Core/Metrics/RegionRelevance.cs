namespace MedExplain.Metrics;

/// <summary>How much positive relevance an atlas region holds: in total, per voxel, and per voxel relative to the whole
/// labelled volume.</summary>
/// <param name="Label">The atlas label.</param>
/// <param name="Voxels">Its size.</param>
/// <param name="Sum">Positive relevance inside it.</param>
/// <param name="Density">Sum / voxels: big regions do not win by size alone.</param>
/// <param name="Gain">Density / the labelled volume's density: above 1, the region holds more relevance than its share of
/// the volume. Scale-free, so it compares across methods and runs where sum and density cannot.</param>
public sealed record RegionRelevanceScore(int Label, int Voxels, double Sum, double Density, double Gain);

/// <summary>Which region statistic ranks the regions.</summary>
public enum RegionStatistic
{
    /// <summary>By <see cref="RegionRelevanceScore.Sum"/>.</summary>
    Sum,

    /// <summary>By <see cref="RegionRelevanceScore.Density"/> (the same order as gain, which is density over a constant).</summary>
    Density,
}

/// <summary>
/// Region-level summaries of a map over an atlas, as in Eitel and Ritter's repeatability study of Alzheimer's MRI
/// classifiers: the sum, density and gain of each region, the top 10 by each, and how much the top 10 agree across
/// repeated runs or identically trained models.
/// </summary>
/// <remarks>
/// The review writes gain as "sum/density", which is the region's size whatever the map; MedExplain uses density relative
/// to the labelled volume's, the ratio-of-densities sense of relevance gain in Böhle et al.'s LRP study of the same data.
/// </remarks>
public static class RegionRelevance
{
    /// <summary>The statistics of every labelled region (label 0 is background and left out), largest sum first.</summary>
    /// <param name="map">One value per voxel.</param>
    /// <param name="labels">Atlas labels on the same grid (rounded to integers).</param>
    public static IReadOnlyList<RegionRelevanceScore> Of(ReadOnlySpan<float> map, ReadOnlySpan<float> labels)
    {
        if (map.Length != labels.Length || map.IsEmpty)
        {
            throw new ArgumentException($"The map ({map.Length} values) and the atlas ({labels.Length}) must cover the same voxels.", nameof(labels));
        }

        var regions = new SortedDictionary<int, (double Sum, int Voxels)>();
        for (int i = 0; i < map.Length; i++)
        {
            int label = (int)Math.Round(labels[i]);
            if (label != 0)
            {
                (double sum, int voxels) = regions.GetValueOrDefault(label);
                regions[label] = (sum + Math.Max(map[i], 0), voxels + 1);
            }
        }

        double overall = regions.Values.Sum(r => r.Sum) / Math.Max(1, regions.Values.Sum(r => r.Voxels));
        return [.. regions
            .Select(r => new RegionRelevanceScore(r.Key, r.Value.Voxels, r.Value.Sum, r.Value.Sum / r.Value.Voxels, overall > 0 ? r.Value.Sum / r.Value.Voxels / overall : 0))
            .OrderByDescending(r => r.Sum).ThenBy(r => r.Label)];
    }

    /// <summary>The labels of the <paramref name="count"/> regions ranked highest by <paramref name="statistic"/> (ties by label).</summary>
    /// <param name="regions">One map's region statistics.</param>
    /// <param name="statistic">The ranking.</param>
    /// <param name="count">How many (10 in the study).</param>
    public static int[] Top(IReadOnlyList<RegionRelevanceScore> regions, RegionStatistic statistic, int count = 10)
    {
        ArgumentNullException.ThrowIfNull(regions);
        return [.. regions.OrderByDescending(r => statistic == RegionStatistic.Sum ? r.Sum : r.Density).ThenBy(r => r.Label).Take(count).Select(r => r.Label)];
    }

    /// <summary>The mean gain of the top regions by density: how concentrated a map's relevance is (1 = spread evenly).</summary>
    /// <param name="regions">One map's region statistics.</param>
    /// <param name="count">How many regions.</param>
    public static double TopGain(IReadOnlyList<RegionRelevanceScore> regions, int count = 10)
    {
        ArgumentNullException.ThrowIfNull(regions);
        int[] top = Top(regions, RegionStatistic.Density, count);
        return top.Length == 0 ? 0 : regions.Where(r => top.Contains(r.Label)).Average(r => r.Gain);
    }

    /// <summary>Repeatability of the top regions: over every pair of runs, the share of one run's top regions that are
    /// also the other's, averaged; 1 when every run names the same regions.</summary>
    /// <param name="runs">The region statistics of the same scan from two or more runs or models.</param>
    /// <param name="statistic">The ranking.</param>
    /// <param name="count">How many top regions.</param>
    public static double TopOverlap(IReadOnlyList<IReadOnlyList<RegionRelevanceScore>> runs, RegionStatistic statistic, int count = 10)
    {
        ArgumentNullException.ThrowIfNull(runs);
        int[][] tops = [.. runs.Select(r => Top(r, statistic, count))];
        return Pairwise.Mean(tops, SharedShare, nameof(runs));
    }

    private static double SharedShare(int[] a, int[] b)
    {
        int size = Math.Max(a.Length, b.Length);
        return size == 0 ? 1 : a.Intersect(b).Count() / (double)size;
    }
}
