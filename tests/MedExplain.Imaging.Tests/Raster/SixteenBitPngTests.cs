using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using MedExplain.Imaging.Raster;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Raster;

/// <summary>16-bit PNGs (grey and RGB), written here by a literal encoder from the PNG specification, read back with every value intact.</summary>
public sealed class SixteenBitPngTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ValuesComeBackExactly(int channels)
    {
        const int width = 7, height = 5;
        var random = new Random(11);
        ushort[] samples = [.. Enumerable.Range(0, width * height * channels).Select(n => (ushort)(n < 2 ? n * 65535 : random.Next(65536)))];
        string path = _temp.Write("sixteen.png", Png(width, height, channels, samples));

        FloatTensor image = RasterReader.Read(path);

        Assert.Equal([1, channels, height, width], image.Shape);
        for (int n = 0; n < width * height; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                Assert.Equal(samples[(n * channels) + c], image.Data[(c * width * height) + n]);
            }
        }
    }

    /// <summary>A PNG (spec sections 9, 11, 12) with samples big endian; row y uses filter y mod 5, so every filter is decoded.</summary>
    private static byte[] Png(int width, int height, int channels, ushort[] samples)
    {
        int stride = width * channels * 2, bpp = channels * 2;
        byte[] Row(int y) => y < 0 ? new byte[stride] : [.. Enumerable.Range(0, width * channels).SelectMany(x => new[] { (byte)(samples[(y * width * channels) + x] >> 8), (byte)samples[(y * width * channels) + x] })];
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            byte[] line = Row(y), above = Row(y - 1);
            int filter = y % 5;
            raw.WriteByte((byte)filter);
            for (int n = 0; n < stride; n++)
            {
                int a = n >= bpp ? line[n - bpp] : 0, b = above[n], c = n >= bpp ? above[n - bpp] : 0;
                int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                int predictor = filter switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, _ => pa <= pb && pa <= pc ? a : pb <= pc ? b : c };
                raw.WriteByte((byte)(line[n] - predictor));
            }
        }

        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            raw.WriteTo(zlib);
        }

        byte[] header = PngBytes.Header(width, height, 16, channels == 1 ? 0 : 2);
        return PngBytes.File(("IHDR", header), ("IDAT", compressed.ToArray()), ("IEND", []));
    }
}
