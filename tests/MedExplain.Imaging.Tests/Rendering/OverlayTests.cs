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
    public void RenderGray_ZeroMap_ShowsTheGrayScan()
    {
        float[] gray = [.. Enumerable.Range(0, 25).Select(v => v / 24f)];

        using SKBitmap bitmap = Overlay.RenderGray(gray, new float[25], 5, 5, scale: 1, diverging: true);

        Assert.Equal(new SKColor(0, 0, 0), bitmap.GetPixel(0, 0));
        Assert.Equal(new SKColor(255, 255, 255), bitmap.GetPixel(4, 4));
    }

    [Fact]
    public void RenderGray_AQuarterOfTheScale_ShowsAtHalfTheFullOpacity()
    {
        float[] gray = new float[2];
        float[] map = [1, 0.25f];

        using SKBitmap bitmap = Overlay.RenderGray(gray, map, 2, 1, scale: 1, diverging: false);

        // On black, a pixel is its colour times its opacity: √0.25 = ½ of the full opacity, in the colour of 0.25.
        Assert.Equal(Math.Round(ColorMap.Sequential(1).Red * Overlay.MaxOpacity), bitmap.GetPixel(0, 0).Red, 1);
        Assert.Equal(Math.Round(ColorMap.Sequential(0.25f).Red * Overlay.MaxOpacity / 2), bitmap.GetPixel(1, 0).Red, 1);
    }

    [Fact]
    public void DrawOutline_SurroundsTheMaskAtDisplaySizeWithoutCoveringIt()
    {
        float[] mask = new float[25];
        mask[12] = 1; // the centre voxel of 5 × 5
        using var bitmap = new SKBitmap(50, 50);
        bitmap.Erase(SKColors.Black);

        Overlay.DrawOutline(bitmap, mask, 5, 5);

        Assert.Equal(SKColors.Black, bitmap.GetPixel(25, 25));               // the lesion itself stays visible
        Assert.Equal(Overlay.OutlineColour, bitmap.GetPixel(19, 25));        // just left of it (voxel 2 spans pixels 20–29)
        Assert.Equal(Overlay.OutlineColour, bitmap.GetPixel(25, 30));        // just below
        Assert.Equal(SKColors.Black, bitmap.GetPixel(10, 10));               // far away
    }

    [Fact]
    public void RenderGray_SignedMap_ColoursPositiveRedAndNegativeBlue()
    {
        float[] gray = new float[4];
        float[] map = [1, -1, 0, 0.2f];

        using SKBitmap bitmap = Overlay.RenderGray(gray, map, 2, 2, scale: 1, diverging: true);

        Assert.True(bitmap.GetPixel(0, 0).Red > 150 && bitmap.GetPixel(0, 0).Blue < 60);
        Assert.True(bitmap.GetPixel(1, 0).Blue > 150 && bitmap.GetPixel(1, 0).Red < 60);
    }

    [Fact]
    public void PanelFigure_Save_DrawsTilesAtTheirOwnSize()
    {
        using var dir = new TempDirectory();
        var figure = new PanelFigure("title", ["a", "b", "wide\n0 … 1"]);
        figure.AddRow("row one\nsecond line", [new SKBitmap(200, 200), new SKBitmap(200, 200), new SKBitmap(300, 100)]);
        string path = dir.File("panel.png");

        figure.Save(path);

        // Label column, then each tile at its own width with 6-pixel margins: nothing is shrunk.
        FloatTensor image = MedExplain.Imaging.Raster.RasterReader.Read(path);
        Assert.Equal(190 + (200 + 6) + (200 + 6) + (300 + 6) + 6, image.Shape[3]);
        Assert.True(image.Data.Any(v => v < 100), "labels must draw dark text on the white background");
    }

    [Fact]
    public void PanelFigure_Save_WrapsColumnsWiderThanTheMaximumIntoBands()
    {
        using var dir = new TempDirectory();
        var figure = new PanelFigure("title", ["scan", "m1", "m2"]);
        figure.AddRow("row", [new SKBitmap(700, 240), new SKBitmap(700, 240), new SKBitmap(700, 240)]);
        string path = dir.File("panel.png");

        figure.Save(path);

        // Three 700-pixel strips do not fit in one band of 1200: one column per band, three bands stacked.
        FloatTensor image = MedExplain.Imaging.Raster.RasterReader.Read(path);
        Assert.True(image.Shape[3] <= PanelFigure.MaxWidth, $"width {image.Shape[3]}");
        Assert.True(image.Shape[2] >= 3 * 240, $"height {image.Shape[2]}");
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

        using SKBitmap bitmap = new MedExplain.Imaging.Rendering.MapRenderer(scan).RenderMap(map, ColourScale.Of([map], carriesSign));
        SKColor centre = bitmap.GetPixel(bitmap.Width / 2, bitmap.Height / 2);

        SKColor expected = carriesSign ? ColorMap.Diverging(1) : ColorMap.Sequential(1);
        Assert.True(Math.Abs(centre.Red - (expected.Red * 0.85)) < 3 && Math.Abs(centre.Green - (expected.Green * 0.85)) < 3, $"{centre} for {expected}");
    }
}
