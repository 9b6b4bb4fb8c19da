using MedExplain.Metrics;

namespace MedExplain.Core.Tests.Metrics;

/// <summary>Top-region statistics on maps small enough to work out by hand.</summary>
public sealed class RegionRelevanceTests
{
    [Fact]
    public void SumDensityAndGainAreWorkedOutPerRegionIgnoringBackgroundAndNegativeValues()
    {
        // Region 1: 4 voxels holding 1+1+2+(−3 → 0) = 4; region 2: 2 voxels holding 6; background (0) holds 100.
        float[] labels = [1, 1, 1, 1, 2, 2, 0];
        float[] map = [1, 1, 2, -3, 2, 4, 100];

        IReadOnlyList<RegionRelevanceScore> regions = RegionRelevance.Of(map, labels);

        // Labelled volume: 10 relevance over 6 voxels.
        RegionRelevanceScore one = regions.Single(r => r.Label == 1), two = regions.Single(r => r.Label == 2);
        Assert.Equal((4, 4.0, 1.0, 0.6), (one.Voxels, one.Sum, one.Density, one.Gain), new ToleranceComparer());
        Assert.Equal((2, 6.0, 3.0, 1.8), (two.Voxels, two.Sum, two.Density, two.Gain), new ToleranceComparer());
        Assert.Equal([2, 1], RegionRelevance.Top(regions, RegionStatistic.Sum));
        Assert.Equal([2], RegionRelevance.Top(regions, RegionStatistic.Density, count: 1));
        Assert.Equal(1.8, RegionRelevance.TopGain(regions, count: 1), 9);
    }

    [Fact]
    public void DensityRanksASmallHotRegionAboveALargeWarmOne()
    {
        // Region 1: 20 voxels of 1 (sum 20, density 1); region 2: 2 voxels of 5 (sum 10, density 5).
        float[] labels = [.. Enumerable.Repeat(1f, 20), 2, 2];
        float[] map = [.. Enumerable.Repeat(1f, 20), 5, 5];

        IReadOnlyList<RegionRelevanceScore> regions = RegionRelevance.Of(map, labels);

        Assert.Equal(1, RegionRelevance.Top(regions, RegionStatistic.Sum, 1)[0]);
        Assert.Equal(2, RegionRelevance.Top(regions, RegionStatistic.Density, 1)[0]);
    }

    [Fact]
    public void TopRegionOverlapIsOneForRepeatedMapsAndCountsSharedRegionsOtherwise()
    {
        // 20 regions of one voxel each; the map's value ranks them.
        float[] labels = [.. Enumerable.Range(1, 20).Select(l => (float)l)];
        float[] first = [.. Enumerable.Range(0, 20).Select(i => (float)i)]; // top 10: labels 11..20
        float[] shifted = [.. Enumerable.Range(0, 20).Select(i => (float)((i + 3) % 20))]; // top 10: labels 8..17

        IReadOnlyList<RegionRelevanceScore> a = RegionRelevance.Of(first, labels), b = RegionRelevance.Of(shifted, labels);

        Assert.Equal(1, RegionRelevance.TopOverlap([a, a, a], RegionStatistic.Sum));
        Assert.Equal(0.7, RegionRelevance.TopOverlap([a, b], RegionStatistic.Sum), 9);
        Assert.Equal((1 + 0.7 + 0.7) / 3, RegionRelevance.TopOverlap([a, a, b], RegionStatistic.Density), 9);
    }

    private sealed class ToleranceComparer : IEqualityComparer<(int, double, double, double)>
    {
        public bool Equals((int, double, double, double) x, (int, double, double, double) y) =>
            x.Item1 == y.Item1 && Math.Abs(x.Item2 - y.Item2) < 1e-9 && Math.Abs(x.Item3 - y.Item3) < 1e-9 && Math.Abs(x.Item4 - y.Item4) < 1e-9;

        public int GetHashCode((int, double, double, double) obj) => obj.Item1;
    }
}
