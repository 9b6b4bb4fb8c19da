using MedExplain.Metrics;

namespace MedExplain.Core.Tests.Metrics;

/// <summary>Deleting a map's top features: the largest values first, ties by index, NaN never before a number.</summary>
public sealed class FeatureDeletionTests
{
    [Fact]
    public void Top_ZeroesTheHighestRankedValues_TiesByIndex_NaNLast()
    {
        float[] input = [10, 20, 30, 40, 50];
        float[] map = [float.NaN, 5, 9, 5, 1];

        Assert.Equal([10, 20, 0, 40, 50], FeatureDeletion.Top(input, map, 0.2));  // 1 value: the 9
        Assert.Equal([10, 0, 0, 40, 50], FeatureDeletion.Top(input, map, 0.4));   // then the first 5
        Assert.Equal([10, 0, 0, 0, 0], FeatureDeletion.Top(input, map, 0.8));     // NaN last
        Assert.Throws<ArgumentException>(() => FeatureDeletion.Top(input, map, 1.5));
    }
}
