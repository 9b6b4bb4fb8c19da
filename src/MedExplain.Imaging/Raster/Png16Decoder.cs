using System.Buffers.Binary;
using System.IO.Compression;
using MedExplain.Imaging.IO;

namespace MedExplain.Imaging.Raster;

/// <summary>Decodes 16-bit PNG (grey, grey+alpha, RGB, RGBA; not interlaced) exactly; SkiaSharp only hands out 8-bit or half floats.</summary>
internal static class Png16Decoder
{
    /// <summary>Decodes a file to (1, C, H, W) with C = 1 or 3 (alpha dropped).</summary>
    public static FloatTensor Decode(string path, int maxSide)
    {
        byte[] file = File.ReadAllBytes(path);
        int at = 8;
        int width = 0, height = 0, colorType = -1;
        using var idat = new MemoryStream();
        while (at + 12 <= file.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            if (length < 0 || at + 12L + length > file.Length)
            {
                throw new MedExplainInputException(path, "is a truncated PNG.");
            }

            string type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            ReadOnlySpan<byte> data = file.AsSpan(at + 8, length);
            at += 12 + length;
            if (type == "IHDR")
            {
                if (length != 13 || width != 0)
                {
                    throw new MedExplainInputException(path, length != 13 ? $"has an IHDR chunk of {length} bytes; PNG's is 13." : "has a second IHDR chunk; a PNG has one.");
                }

                (width, height, colorType) = (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]), data[9]);
                if (data[12] != 0)
                {
                    throw new MedExplainInputException(path, "is an interlaced 16-bit PNG, which MedExplain does not read.");
                }
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
            else if (type == "IEND")
            {
                break;
            }
        }

        int samples = colorType switch { 0 => 1, 4 => 2, 2 => 3, 6 => 4, _ => throw new MedExplainInputException(path, $"is a 16-bit PNG of colour type {colorType}, which MedExplain does not read.") };
        if (width < 1 || height < 1 || width > maxSide || height > maxSide)
        {
            throw new MedExplainInputException(path, $"is a PNG of {width}×{height} pixels; 1 to {maxSide} a side are supported.");
        }

        int stride = width * samples * 2;
        MemoryLimit.Reserve(((long)height * (stride + 1)) + ((long)width * height * (samples >= 3 ? 3 : 1) * sizeof(float)), path, $"the {width}×{height} image");
        idat.Position = 0;
        using var inflater = new ZLibStream(idat, CompressionMode.Decompress);
        byte[] raw = BoundedReader.ReadExactly(inflater, (long)height * (stride + 1), path, "the PNG image data");
        Unfilter(raw, height, stride, samples * 2, path);

        int channels = samples >= 3 ? 3 : 1;
        int plane = width * height;
        var values = new float[plane * channels];
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> line = raw.AsSpan((y * (stride + 1)) + 1, stride);
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < channels; c++)
                {
                    values[(c * plane) + (y * width) + x] = BinaryPrimitives.ReadUInt16BigEndian(line[(((x * samples) + c) * 2)..]);
                }
            }
        }

        return new FloatTensor([1, channels, height, width], values);
    }

    /// <summary>Reverses the per-row filters (PNG spec section 9) in place; each row keeps its leading filter byte.</summary>
    private static void Unfilter(byte[] raw, int height, int stride, int bytesPerPixel, string path)
    {
        for (int y = 0; y < height; y++)
        {
            int row = (y * (stride + 1)) + 1, previous = row - stride - 1;
            byte filter = raw[row - 1];
            for (int n = 0; n < stride; n++)
            {
                int a = n >= bytesPerPixel ? raw[row + n - bytesPerPixel] : 0;
                int b = y > 0 ? raw[previous + n] : 0;
                int c = y > 0 && n >= bytesPerPixel ? raw[previous + n - bytesPerPixel] : 0;
                raw[row + n] += filter switch
                {
                    0 => 0,
                    1 => (byte)a,
                    2 => (byte)b,
                    3 => (byte)((a + b) / 2),
                    4 => Paeth(a, b, c),
                    _ => throw new MedExplainInputException(path, $"has PNG filter type {filter}, which does not exist."),
                };
            }
        }
    }

    private static byte Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
    }
}
