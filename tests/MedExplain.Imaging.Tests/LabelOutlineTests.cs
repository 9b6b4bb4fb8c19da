using MedExplain.Imaging.Geometry;

namespace MedExplain.Imaging.Tests;

public sealed class LabelOutlineTests
{
    [Fact]
    public void Of_SquareInASlice_KeepsItsRingAndEmptiesItsInside()
    {
        // A 4×4 square of label 3 at (2..5, 2..5) in an 8×8 slice: its ring is 12 voxels, its inside 2×2.
        var labels = new float[64];
        for (int j = 2; j < 6; j++)
        {
            for (int i = 2; i < 6; i++)
            {
                labels[i + (8 * j)] = 3;
            }
        }

        float[] outline = LabelOutline.Of(labels, [8, 8, 1]);
        Assert.Equal(12, outline.Count(v => v == 3));
        Assert.Equal(0, outline[3 + (8 * 3)]);
        Assert.Equal(3, outline[2 + (8 * 3)]);
        Assert.All(outline, v => Assert.True(v is 0 or 3));
    }

    [Fact]
    public void Of_TwoTouchingRegions_OutlinesBothAlongTheirBorder()
    {
        // Columns 0-1 label 1, columns 2-3 label 2, in a 4×3×3 block: every voxel touches the other label or the grid's edge.
        var labels = new float[4 * 3 * 3];
        for (int n = 0; n < labels.Length; n++)
        {
            labels[n] = n % 4 < 2 ? 1 : 2;
        }

        float[] outline = LabelOutline.Of(labels, [4, 3, 3]);
        Assert.Equal(labels, outline);
    }

    [Fact]
    public void Of_CubeInAVolume_KeepsItsSurfaceOnly()
    {
        var labels = new float[7 * 7 * 7];
        for (int k = 1; k < 6; k++)
        {
            for (int j = 1; j < 6; j++)
            {
                for (int i = 1; i < 6; i++)
                {
                    labels[i + (7 * (j + (7 * k)))] = 1;
                }
            }
        }

        float[] outline = LabelOutline.Of(labels, [7, 7, 7]);
        Assert.Equal((5 * 5 * 5) - (3 * 3 * 3), outline.Count(v => v > 0));
    }

    [Fact]
    public void Of_LabelsThatDoNotFillTheGrid_AreRefused() =>
        Assert.Throws<ArgumentException>(() => LabelOutline.Of(new float[10], [4, 4, 1]));
}
