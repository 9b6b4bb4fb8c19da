using MedExplain.Imaging.Transforms;
using MedExplain.Models;

namespace MedExplain.Imaging.Tests.Transforms;

public sealed class IntensityNormalizerTests
{
    private static readonly FloatTensor TwoItems = new([2, 1, 2, 2], [1, 2, 3, 4, 10, 10, 10, 10]);

    [Fact]
    public void Apply_ZScorePerImage_GivesZeroMeanUnitPopulationSd()
    {
        FloatTensor result = IntensityNormalizer.Apply(TwoItems, new IntensityNormalization(NormalizationKind.ZScore));

        // Item 0: mean 2.5, population sd sqrt(1.25).
        double sd = Math.Sqrt(1.25);
        Assert.Equal([-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd], result.Item(0).ToArray().Select(v => (double)v), new Tolerance(1e-6));
        // Item 1 is flat: the floor keeps it finite (all zeros).
        Assert.All(result.Item(1).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Apply_FixedZScore_UsesTheGivenStatistics()
    {
        FloatTensor result = IntensityNormalizer.Apply(TwoItems, new IntensityNormalization(NormalizationKind.ZScore, Mean: 2, StandardDeviation: 4));

        Assert.Equal([-0.25f, 0, 0.25f, 0.5f], result.Item(0).ToArray());
    }

    [Fact]
    public void Apply_MinMax_MapsEachItemToUnitRange()
    {
        FloatTensor result = IntensityNormalizer.Apply(TwoItems, new IntensityNormalization(NormalizationKind.MinMax));

        Assert.Equal([0f, 1 / 3f, 2 / 3f, 1], result.Item(0).ToArray(), new FloatTolerance(1e-6f));
    }

    [Fact]
    public void Apply_CtWindow_ClipsAndScales()
    {
        // Soft-tissue window: centre 40 HU, width 400 HU → [-160, 240] maps to [0, 1].
        var hu = new FloatTensor([1, 1, 1, 4], [-1000, -160, 40, 3000]);

        FloatTensor result = IntensityNormalizer.Apply(hu, new IntensityNormalization(NormalizationKind.Window, Center: 40, Width: 400));

        Assert.Equal([0f, 0, 0.5f, 1], result.Data);
    }

    [Fact]
    public void Apply_LeavesTheInputUntouched()
    {
        float[] before = (float[])TwoItems.Data.Clone();

        IntensityNormalizer.Apply(TwoItems, new IntensityNormalization(NormalizationKind.MinMax));

        Assert.Equal(before, TwoItems.Data);
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }

    private sealed class FloatTolerance(float epsilon) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(float obj) => 0;
    }
}
