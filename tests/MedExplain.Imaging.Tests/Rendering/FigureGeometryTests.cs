using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Rendering;
using SkiaSharp;

namespace MedExplain.Imaging.Tests.Rendering;

/// <summary>
/// Figures read back pixel by pixel: a lesion placed right-anterior in world space shows top-left of the axial view
/// (anterior up, patient right on the viewer's left, as the figure states), its outline drawn on the slice where it is
/// largest, and each plane at its physical aspect, whatever the file's voxel order and spacing.
/// </summary>
public sealed class FigureGeometryTests
{
    private static readonly SKColor Outline = Overlay.OutlineColour;

    // Voxel order as DICOM stores it (i toward the patient's left, j toward posterior), anisotropic 2 × 3 × 4 mm.
    [Theory]
    [InlineData(-2.0, -3.0, 4.0)]
    [InlineData(2.0, 3.0, -4.0)]
    public void AnAnteriorRightLesionIsOutlinedTopLeftOfTheAxialViewAtItsPhysicalAspect(double sx, double sy, double sz)
    {
        int[] dims = [20, 16, 10];
        var affine = Affine.FromColumns(new Vector3d(sx, 0, 0), new Vector3d(0, sy, 0), new Vector3d(0, 0, sz), default);
        var mask = new float[20 * 16 * 10];
        // World right (+x) and anterior (+y): the voxel index runs the other way when the spacing is negative.
        int I(int fromRight) => sx > 0 ? 19 - fromRight : fromRight;
        int J(int fromFront) => sy > 0 ? 15 - fromFront : fromFront;
        for (int k = 6; k <= 7; k++)
        {
            int size = k == 6 ? 4 : 2; // largest at k = 6
            for (int a = 2; a < 2 + size; a++)
            {
                for (int b = 2; b < 2 + size; b++)
                {
                    mask[I(a) + (20 * (J(b) + (16 * k)))] = 1;
                }
            }
        }

        var scan = new MedicalImage(dims, 1, [.. mask.Select(m => 100 * m)], affine, new ImageMetadata { Format = "test", Source = "test", DataType = "float32" });
        var renderer = new MapRenderer(scan, mask);

        using SKBitmap axial = renderer.RenderScan(planes: [Plane.Axial]);

        Assert.True(renderer.FocusesOnLesion);
        (int left, int top, int right, int bottom) = Bounds(axial, c => c == Outline);
        Assert.True(right < axial.Width / 2 && bottom < axial.Height / 2, $"outline at x {left}–{right}, y {top}–{bottom} of {axial.Width}×{axial.Height}: not top-left");
        // The 4 × 4-voxel slice (k = 6), not the 2 × 2 one: 4 voxels of 2 mm across, 4 of 3 mm down.
        double pixelsPerMm = (double)axial.Height / (16 * 3);
        // The outline runs just outside the lesion: one pixel more on each side.
        Assert.InRange(right - left + 1, (int)(8 * pixelsPerMm) + 1, (int)(8 * pixelsPerMm) + 3);
        Assert.InRange(bottom - top + 1, (int)(12 * pixelsPerMm) + 1, (int)(12 * pixelsPerMm) + 3);
        // Inside the outline the scan is bright: the outline sits on the lesion of the scan, not beside it.
        SKColor centre = axial.GetPixel((left + right) / 2, (top + bottom) / 2);
        Assert.True(centre.Red > 200, $"centre of the outline is {centre}");
        // Physical aspect: 20 × 2 mm across, 16 × 3 mm down.
        Assert.Equal(40.0 / 48.0, (double)axial.Width / axial.Height, 2);
    }

    [Fact]
    public void EveryPlaneOfAVolumeKeepsItsPhysicalAspect()
    {
        var scan = new MedicalImage([30, 20, 10], 1, new float[6000], Affine.Diagonal(1, 2, 5), new ImageMetadata { Format = "test", Source = "test", DataType = "float32" });
        var renderer = new MapRenderer(scan);
        (Plane Plane, double Aspect)[] expected = [(Plane.Axial, 30.0 / 40), (Plane.Coronal, 30.0 / 50), (Plane.Sagittal, 40.0 / 50)];
        foreach ((Plane plane, double aspect) in expected)
        {
            using SKBitmap tile = renderer.RenderScan(planes: [plane]);
            Assert.Equal(aspect, (double)tile.Width / tile.Height, 2);
        }
    }

    [Fact]
    public void AScanWithoutGeometryHasNoSideMarkersAndSaysSo()
    {
        var scan = new MedicalImage([32, 32, 1], 1, new float[1024], Affine.Identity, new ImageMetadata { Format = "PNG", Source = "test", DataType = "uint8", HasGeometry = false });
        var renderer = new MapRenderer(scan);

        using SKBitmap tile = renderer.RenderScan();

        Assert.DoesNotContain(Pixels(tile), c => c.Red > 128); // all black: no letters drawn
        Assert.Contains("no side is marked", renderer.ConventionNote, StringComparison.Ordinal);
    }

    [Fact]
    public void AScanWithGeometryCarriesItsSideLettersAndStatesTheConvention()
    {
        var scan = new MedicalImage([32, 32, 1], 1, new float[1024], Affine.Identity, new ImageMetadata { Format = "NIfTI-1", Source = "test", DataType = "float32" });
        var renderer = new MapRenderer(scan);

        using SKBitmap tile = renderer.RenderScan();

        Assert.Contains(Pixels(tile), c => c.Red > 200 && c.Green > 200 && c.Blue > 200); // white letters on a black scan
        Assert.Contains("radiological convention", renderer.ConventionNote, StringComparison.Ordinal);
    }

    [Fact]
    public void ColourScaleIsSharedAcrossMapsAndPrintsItsRange()
    {
        var scale = ColourScale.Of([[0.5f, -0.25f], [2f, 0f]], carriesSign: true, percentile: 100);

        Assert.Equal(2f, scale.Max);
        Assert.Equal("−2 … +2", scale.Range);
        Assert.Equal("0 … 2E-3", ColourScale.Of([[0.002f]], carriesSign: false).Range);
    }

    private static IEnumerable<SKColor> Pixels(SKBitmap bitmap) =>
        Enumerable.Range(0, bitmap.Width * bitmap.Height).Select(n => bitmap.GetPixel(n % bitmap.Width, n / bitmap.Width));

    private static (int Left, int Top, int Right, int Bottom) Bounds(SKBitmap bitmap, Func<SKColor, bool> match)
    {
        (int left, int top, int right, int bottom) = (int.MaxValue, int.MaxValue, -1, -1);
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                if (match(bitmap.GetPixel(x, y)))
                {
                    (left, top, right, bottom) = (Math.Min(left, x), Math.Min(top, y), Math.Max(right, x), Math.Max(bottom, y));
                }
            }
        }

        Assert.True(right >= 0, "no pixel matched");
        return (left, top, right, bottom);
    }
}
