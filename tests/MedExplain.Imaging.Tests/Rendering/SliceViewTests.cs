using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Rendering;

namespace MedExplain.Imaging.Tests.Rendering;

/// <summary>Display planes are upright whatever the file's voxel order: anterior/superior at the top, patient right on the right.</summary>
public sealed class SliceViewTests
{
    [Theory]
    [InlineData(1.0, 1.0, 1.0)]
    [InlineData(-1.0, -1.0, -1.0)]
    [InlineData(-2.0, 1.0, -0.5)]
    public void TheRightAnteriorSuperiorCornerShowsTopRightAxiallyAndCoronally(double sx, double sy, double sz)
    {
        int[] dims = [6, 5, 4];
        var affine = Affine.FromColumns(new Vector3d(sx, 0, 0), new Vector3d(0, sy, 0), new Vector3d(0, 0, sz), default);
        var values = new float[6 * 5 * 4];
        // The voxel farthest right, anterior and superior in the world.
        int i = sx > 0 ? 5 : 0, j = sy > 0 ? 4 : 0, k = sz > 0 ? 3 : 0;
        values[i + (6 * (j + (5 * k)))] = 1;
        var image = new MedicalImage(dims, 1, values, affine, new ImageMetadata { Format = "test", Source = "test", DataType = "float32" });
        var view = new SliceView(image);
        float[] oriented = view.Orient(values);
        (int x, int y, int z) = view.Peak(oriented);

        (float[] axial, int width, _, _, _) = view.Cut(oriented, Plane.Axial, z);
        (float[] coronal, int coronalWidth, _, _, _) = view.Cut(oriented, Plane.Coronal, y);
        (float[] sagittal, _, _, _, _) = view.Cut(oriented, Plane.Sagittal, x);

        Assert.Equal(1, axial[width - 1]);           // top row (anterior), last column (right)
        Assert.Equal(1, coronal[coronalWidth - 1]);  // top row (superior), last column (right)
        Assert.Equal(1, sagittal[0]);                // top row (superior), first column (anterior)
    }
}
