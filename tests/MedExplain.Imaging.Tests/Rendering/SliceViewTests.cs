using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Rendering;

namespace MedExplain.Imaging.Tests.Rendering;

/// <summary>Display planes are upright whatever the file's voxel order: anterior/superior at the top, patient right on the viewer's left (radiological).</summary>
public sealed class SliceViewTests
{
    [Theory]
    [InlineData(1.0, 1.0, 1.0)]
    [InlineData(-1.0, -1.0, -1.0)]
    [InlineData(-2.0, 1.0, -0.5)]
    public void TheRightAnteriorSuperiorCornerShowsTopLeftAxiallyAndCoronally(double sx, double sy, double sz)
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

        Assert.Equal(1, axial[0]);                   // top row (anterior), first column (patient right)
        Assert.Equal(1, coronal[0]);                 // top row (superior), first column (patient right)
        Assert.Equal(1, sagittal[0]);                // top row (superior), first column (anterior)
        Assert.Equal(new EdgeMarkers("A", "P", "R", "L"), view.Markers(Plane.Axial));
        Assert.Equal(new EdgeMarkers("S", "I", "A", "P"), view.Markers(Plane.Sagittal));
    }

    [Fact]
    public void WithoutGeometryRowsAndColumnsStayInArrayOrderAndNoSideIsClaimed()
    {
        var values = new float[6 * 5];
        values[1] = 1; // row 0, column 1
        var image = new MedicalImage([6, 5, 1], 1, values, Affine.Identity, new ImageMetadata { Format = "PNG", Source = "test", DataType = "uint8", HasGeometry = false });
        var view = new SliceView(image);
        (float[] axial, _, _, _, _) = view.Cut(view.Orient(values), Plane.Axial, 0);
        Assert.Equal(1, axial[1]);
        Assert.Null(view.Markers(Plane.Axial));
    }

    [Fact]
    public void TheLargestPlaneOfAMaskIsChosenOnEachAxis()
    {
        int[] dims = [4, 4, 6];
        var mask = new float[4 * 4 * 6];
        mask[(1 * 16) + 5] = 1;                                   // one voxel at z = 1
        mask[(2 * 16) + 0] = mask[(2 * 16) + 1] = mask[(2 * 16) + 2] = 1; // three at z = 2

        var image = new MedicalImage(dims, 1, mask, Affine.FromColumns(new Vector3d(1, 0, 0), new Vector3d(0, 1, 0), new Vector3d(0, 0, 1), default), new ImageMetadata { Format = "test", Source = "test", DataType = "float32" });
        var view = new SliceView(image);
        Assert.Equal(2, view.Largest(view.Orient(mask))!.Value.Z);
        Assert.Null(view.Largest(new float[mask.Length]));
    }
}
