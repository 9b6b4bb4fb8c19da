using System.Text.Json;
using MedExplain.Imaging.Geometry;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Measures;

/// <summary>Region measures against scikit-image on the same arrays (tools/peers/skimage_measures.py wrote
/// tests/TestData/peers/mask-measures.json) and against closed forms.</summary>
public sealed class MaskMeasuresTests
{
    private static readonly JsonElement Peer = JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("peers/mask-measures.json"))).RootElement;

    public static TheoryData<int> TextureCases => [.. Enumerable.Range(0, Peer.GetProperty("texture").GetArrayLength())];

    public static TheoryData<int> ShapeCases => [.. Enumerable.Range(0, Peer.GetProperty("shape").GetArrayLength())];

    [Theory]
    [MemberData(nameof(TextureCases))]
    public void Glcm_AgreesWithScikitImage(int index)
    {
        JsonElement c = Peer.GetProperty("texture")[index];
        int height = c.GetProperty("height").GetInt32(), width = c.GetProperty("width").GetInt32();
        float[] image = [.. c.GetProperty("image").EnumerateArray().Select(v => (float)v.GetInt32())];
        float[] all = [.. image.Select(_ => 1f)];

        // Rows of the peer's array are j, columns i: the same raster order as ours.
        GlcmFeatures f = MaskMeasures.Glcm(image, [width, height, 1], all, c.GetProperty("levels").GetInt32());

        Assert.Equal(c.GetProperty("contrast").GetDouble(), f.Contrast, 9);
        Assert.Equal(c.GetProperty("homogeneity").GetDouble(), f.Homogeneity, 9);
        Assert.Equal(c.GetProperty("ASM").GetDouble(), f.AngularSecondMoment, 9);
        Assert.Equal(c.GetProperty("correlation").GetDouble(), f.Correlation, 9);
    }

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void Eccentricity_AgreesWithScikitImage(int index)
    {
        JsonElement c = Peer.GetProperty("shape")[index];
        int size = c.GetProperty("size").GetInt32();
        float[] mask = [.. c.GetProperty("mask").EnumerateArray().Select(v => (float)v.GetInt32())];

        double eccentricity = MaskMeasures.Compute("eccentricity", Image([size, size, 1], new float[mask.Length], Affine.Identity), mask);

        Assert.Equal(c.GetProperty("eccentricity").GetDouble(), eccentricity, 9);
    }

    [Fact]
    public void Glcm_OfAThreeDimensionalCheckerboard_HasItsClosedForm()
    {
        // Of the 13 directions, the 3 along an axis and the 4 body diagonals join opposite colours, the 6 face diagonals
        // join equal ones: contrast 7/13, homogeneity (7·½ + 6)/13, correlation (−7 + 6)/13, and ASM ½ (exactly for
        // opposite colours; for equal ones the finite grid holds not quite as many black pairs as white).
        int[] dims = [6, 5, 4];
        float[] values = new float[6 * 5 * 4];
        for (int v = 0; v < values.Length; v++)
        {
            values[v] = ((v % 6) + (v / 6 % 5) + (v / 30)) % 2;
        }

        GlcmFeatures f = MaskMeasures.Glcm(values, dims, [.. values.Select(_ => 1f)], 2);

        Assert.Equal(7.0 / 13, f.Contrast, 12);
        Assert.Equal(9.5 / 13, f.Homogeneity, 12);
        Assert.Equal(0.5, f.AngularSecondMoment, 4);
        Assert.Equal(-1.0 / 13, f.Correlation, 12);
    }

    [Fact]
    public void Glcm_CountsOnlyPairsInsideTheMask()
    {
        // Left half: columns alternating 0/1; right half: rows alternating 0/7, outside the mask. Inside, horizontal and
        // both diagonal neighbours differ and vertical ones do not: contrast (1 + 0 + 1 + 1)/4; the right half must not count.
        int width = 8, height = 6;
        float[] values = [.. Enumerable.Range(0, width * height).Select(v => (float)(v % width < 4 ? v % 2 : 7 * (v / width % 2)))];
        float[] left = [.. Enumerable.Range(0, width * height).Select(v => v % width < 4 ? 1f : 0f)];
        float[] half = [.. Enumerable.Range(0, 4 * height).Select(v => values[(v / 4 * width) + (v % 4)])];

        GlcmFeatures masked = MaskMeasures.Glcm(values, [width, height, 1], left, 2);
        GlcmFeatures cropped = MaskMeasures.Glcm(half, [4, height, 1], [.. half.Select(_ => 1f)], 2);

        Assert.Equal(cropped, masked);
        Assert.Equal(0.75, masked.Contrast, 12);
    }

    [Fact]
    public void AreaAndVolume_AreInSquareAndCubicMillimetres()
    {
        float[] mask2d = new float[20];
        mask2d[3] = mask2d[4] = mask2d[9] = 1;
        float[] mask3d = new float[40];
        mask3d[0] = mask3d[39] = 1;

        Assert.Equal(3 * 0.5 * 2, MaskMeasures.Compute("area", Image([5, 4, 1], new float[20], Affine.Diagonal(0.5, 2, 3)), mask2d), 12);
        Assert.Equal(2 * 0.5 * 2 * 3, MaskMeasures.Compute("volume", Image([5, 4, 2], new float[40], Affine.Diagonal(0.5, 2, 3)), mask3d), 12);
        var error = Assert.Throws<MedExplainParameterException>(() => MaskMeasures.Compute("area", Image([5, 4, 2], new float[40], Affine.Identity), mask3d));
        Assert.Contains("use volume", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Intensity_IsMeasuredInsideTheMaskOnly()
    {
        float[] values = [1, 2, 3, 100, 200];
        float[] mask = [1, 1, 1, 0, 0];

        MedicalImage image = Image([5, 1, 1], values, Affine.Identity);

        Assert.Equal(2, MaskMeasures.Compute("mean-intensity", image, mask), 12);
        Assert.Equal(Math.Sqrt(2.0 / 3), MaskMeasures.Compute("std-intensity", image, mask), 12);
    }

    [Fact]
    public void Elongation_OfABox_IsTheRatioOfItsSides()
    {
        // A box of 8 × 4 × 2 voxels: the variance of n equally spaced positions is (n² − 1)/12 along each side.
        int[] dims = [10, 6, 4];
        float[] mask = new float[10 * 6 * 4];
        for (int k = 1; k < 3; k++)
        {
            for (int j = 1; j < 5; j++)
            {
                for (int i = 1; i < 9; i++)
                {
                    mask[i + (10 * (j + (6 * k)))] = 1;
                }
            }
        }

        double elongation = MaskMeasures.Compute("elongation", Image(dims, new float[mask.Length], Affine.Identity), mask);

        Assert.Equal(Math.Sqrt(15.0 / 63), elongation, 10);
    }

    [Fact]
    public void AnEmptyMask_IsRefusedNamingTheScan()
    {
        var error = Assert.Throws<MedExplainInputException>(() => MaskMeasures.Compute("area", Image([2, 2, 1], new float[4], Affine.Identity), new float[4]));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    private static MedicalImage Image(int[] dims, float[] voxels, Affine affine) =>
        new(dims, 1, voxels, affine, new ImageMetadata { Format = "test", Source = "region.nii", DataType = "float32" });
}
