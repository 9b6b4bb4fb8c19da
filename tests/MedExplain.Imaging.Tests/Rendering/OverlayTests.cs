using MedExplain.Imaging.Rendering;
using MedExplain.TestUtilities;
using SkiaSharp;

namespace MedExplain.Imaging.Tests.Rendering;

public sealed class OverlayTests
{
    [Fact]
    public void ColorMaps_EndsAndCentre_AreTheDocumentedColours()
    {
        Assert.Equal(new SKColor(245, 245, 245), ColorMap.Diverging(0));
        Assert.Equal(new SKColor(200, 30, 40), ColorMap.Diverging(5));
        Assert.Equal(new SKColor(40, 70, 200), ColorMap.Diverging(-1));
        Assert.Equal(new SKColor(0, 0, 0), ColorMap.Sequential(-3));
        Assert.Equal(new SKColor(255, 255, 220), ColorMap.Sequential(1));
    }

    [Fact]
    public void RobustMax_IgnoresTheTopOutliers()
    {
        float[] values = [.. Enumerable.Range(1, 1000).Select(v => (float)v), 1e9f];

        Assert.Equal(996f, Overlay.RobustMax(values, 99.5));
        Assert.Equal(1e9f, Overlay.RobustMax(values, 100));
    }

    [Fact]
    public void Render_ZeroMapWithMask_ShowsTheGrayScanAndTheOutline()
    {
        float[] slice = [.. Enumerable.Range(0, 25).Select(v => (float)v)];
        float[] mask = new float[25];
        mask[12] = 1;

        using SKBitmap bitmap = Overlay.Render(slice, new float[25], 5, 5, mask);

        Assert.Equal(new SKColor(0, 0, 0), bitmap.GetPixel(0, 0));
        Assert.Equal(new SKColor(255, 255, 255), bitmap.GetPixel(4, 4));
        Assert.Equal(new SKColor(60, 230, 90), bitmap.GetPixel(2, 2));
    }

    [Fact]
    public void Render_SignedMap_ColoursPositiveRedAndNegativeBlue()
    {
        float[] slice = new float[4];
        float[] map = [1, -1, 0, 0.2f];

        using SKBitmap bitmap = Overlay.Render(slice, map, 2, 2, percentile: 100);

        Assert.True(bitmap.GetPixel(0, 0).Red > 150 && bitmap.GetPixel(0, 0).Blue < 60);
        Assert.True(bitmap.GetPixel(1, 0).Blue > 150 && bitmap.GetPixel(1, 0).Red < 60);
    }

    [Fact]
    public void PanelFigure_Save_WritesAPngOfTheGridSize()
    {
        using var dir = new TempDirectory();
        var figure = new PanelFigure("title", ["a", "b", "wide"], tileSize: 200);
        figure.AddRow("row one\nsecond line", [new SKBitmap(10, 10), new SKBitmap(10, 10), new SKBitmap(30, 10)]);
        string path = dir.File("panel.png");

        figure.Save(path);

        // Label column, then tiles 200 wide except the 3:1 one (600), with 6-pixel margins; the header, one row and the colour bar.
        FloatTensor image = MedExplain.Imaging.Raster.RasterReader.Read(path);
        Assert.Equal(190 + (200 + 6) + (200 + 6) + (600 + 6) + 6, image.Shape[3]);
        Assert.Equal(44 + 206 + 6 + 46, image.Shape[2]);
        Assert.True(image.Data.Any(v => v < 100), "labels must draw dark text on the white background");
    }
}

/// <summary>The colour map follows the method, not one scan's values: an all-positive map of a signed method is drawn in
/// the diverging map (red), of a magnitude in the sequential one.</summary>
public sealed class MapColourTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RenderMap_AllPositiveValues_UseTheMethodsColourMap(bool carriesSign)
    {
        var scan = new MedicalImage([32, 32, 1], 1, new float[32 * 32], Geometry.Affine.Identity,
            new ImageMetadata { Format = "test", Source = "test", DataType = "float32", HasGeometry = false });
        float[] map = [.. Enumerable.Repeat(1f, 32 * 32)];

        using SKBitmap bitmap = new MedExplain.Imaging.Rendering.MapRenderer(scan).RenderMap(map, carriesSign: carriesSign);
        SKColor centre = bitmap.GetPixel(bitmap.Width / 2, bitmap.Height / 2);

        SKColor expected = carriesSign ? ColorMap.Diverging(1) : ColorMap.Sequential(1);
        Assert.True(Math.Abs(centre.Red - (expected.Red * 0.85)) < 3 && Math.Abs(centre.Green - (expected.Green * 0.85)) < 3, $"{centre} for {expected}");
    }
}
