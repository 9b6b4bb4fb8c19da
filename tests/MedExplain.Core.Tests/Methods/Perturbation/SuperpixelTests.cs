using MedExplain.Methods.Perturbation;

namespace MedExplain.Core.Tests.Methods.Perturbation;

/// <summary>SLIC superpixels follow intensity edges and stay compact, in 2D and 3D.</summary>
public sealed class SuperpixelTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NoSegmentCrossesAStrongEdge(bool volume)
    {
        int[] shape = volume ? [1, 12, 12, 12] : [1, 32, 32];
        int count = shape[1..].Aggregate(1, (a, b) => a * b), width = shape[^1];

        // Bright where the last coordinate is past 40% of the width (an edge that does not lie on the 4/8-cell grid).
        float[] image = [.. Enumerable.Range(0, count).Select(v => v % width >= width * 2 / 5 ? 1f : 0f)];

        float[] labels = Superpixels.Slic(image, shape, volume ? 4 : 8).Data;

        foreach (IGrouping<float, int> segment in Enumerable.Range(0, count).GroupBy(v => labels[v]))
        {
            Assert.True(segment.Select(v => image[v]).Distinct().Count() == 1, $"segment {segment.Key} straddles the edge");
        }

        Assert.InRange(labels.Distinct().Count(), volume ? 16 : 32, volume ? 64 : 64);
    }
}
