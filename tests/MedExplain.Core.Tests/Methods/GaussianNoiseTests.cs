using MedExplain.Methods.Gradient;

namespace MedExplain.Core.Tests.Methods;

public sealed class GaussianNoiseTests
{
    [Fact]
    public void Fill_ManyDraws_HaveStandardNormalMomentsAndTails()
    {
        var noise = new GaussianNoise(200_001);

        noise.Fill(new Random(42));

        double[] values = [.. noise.Values.ToArray().Select(v => (double)v)];
        double mean = values.Average(), variance = values.Average(v => (v - mean) * (v - mean));
        Assert.Equal(0, mean, 2);
        Assert.Equal(1, variance, 1);
        Assert.InRange(values.Count(v => Math.Abs(v) > 1.96) / (double)values.Length, 0.045, 0.055); // 5 % beyond ±1.96
        Assert.All(values, v => Assert.True(double.IsFinite(v)));
    }
}
