using MedExplain.Imaging.Npy;
using MedExplain.Imaging.Raster;
using MedExplain.TestUtilities;
using SkiaSharp;

namespace MedExplain.Imaging.Tests.Raster;

public sealed class RasterReaderTests
{
    [Fact]
    public void Read_GrayPngFromThePythonEncoder_GivesOneChannelOfItsBytes()
    {
        // The demo PNGs were encoded by tools/demo_data (zlib + hand-written chunks), not by SkiaSharp.
        FloatTensor image = RasterReader.Read(RepoPaths.DemoScan("2d/slice-01-normal.png"));
        FloatTensor mask = RasterReader.Read(RepoPaths.DemoScan("2d/slice-02-tumour-mask.png"));

        Assert.Equal([1, 1, 128, 128], image.Shape);
        Assert.All(image.Data, v => Assert.True(v >= 0 && v <= 255 && v == MathF.Round(v)));
        Assert.Equal([0f, 255f], mask.Data.Distinct().Order());
    }

    [Fact]
    public void Read_RgbWithEqualChannels_CollapsesToOneChannel()
    {
        using var dir = new TempDirectory();
        string path = SavePng(dir.File("gray-as-rgb.png"), (x, y) => new SKColor((byte)(x * 10), (byte)(x * 10), (byte)(x * 10)));

        FloatTensor image = RasterReader.Read(path);

        Assert.Equal([1, 1, 4, 6], image.Shape);
        Assert.Equal(50f, image.Data[5]);
    }

    [Fact]
    public void Read_ColourImage_KeepsThreeChannels()
    {
        using var dir = new TempDirectory();
        string path = SavePng(dir.File("colour.png"), (x, y) => new SKColor(200, (byte)y, 7));

        FloatTensor image = RasterReader.Read(path);

        Assert.Equal([1, 3, 4, 6], image.Shape);
        Assert.Equal([200f, 3f, 7f], [image.Data[(3 * 6) + 2], image.Data[24 + (3 * 6) + 2], image.Data[48 + (3 * 6) + 2]]);
    }

    [Fact]
    public void Read_NotAnImage_NamesTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("scan.png", "definitely not a PNG");

        var error = Assert.Throws<MedExplainInputException>(() => RasterReader.Read(path));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
    }

    private static string SavePng(string path, Func<int, int, SKColor> pixel)
    {
        using var bitmap = new SKBitmap(6, 4, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 6; x++)
            {
                bitmap.SetPixel(x, y, pixel(x, y));
            }
        }

        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }
}
