using SkiaSharp;

namespace MedExplain.Imaging.Raster;

/// <summary>Reads PNG, JPEG, BMP and WebP images into (1, C, H, W) float32 tensors: 0–255 values, or 0–65535 for 16-bit PNG.</summary>
/// <remarks>Colour images whose three channels are equal everywhere (grey scans saved as RGB) come back with one
/// channel; truly coloured images come back as RGB. Alpha is dropped.</remarks>
public static class RasterReader
{
    /// <summary>The largest width or height accepted, to refuse absurd headers before decoding.</summary>
    public const int MaxSide = 32768;

    /// <summary>The file extensions this reader handles.</summary>
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".webp" };

    /// <summary>Reads an image file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="MedExplainInputException">The file is missing or not a decodable image.</exception>
    public static FloatTensor Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "file not found.");
        }

        using SKCodec? codec = SKCodec.Create(path, out SKCodecResult result);
        if (codec is null)
        {
            throw new MedExplainInputException(path, $"is not a readable PNG/JPEG/BMP/WebP image ({result}).");
        }

        SKImageInfo info = codec.Info;
        if (info.Width > MaxSide || info.Height > MaxSide)
        {
            throw new MedExplainInputException(path, $"is {info.Width}×{info.Height} pixels; images up to {MaxSide} pixels a side are supported.");
        }

        RefuseImpossibleSize(path);
        if (IsSixteenBitPng(path))
        {
            return Png16Decoder.Decode(path, MaxSide);
        }

        bool gray = info.ColorType == SKColorType.Gray8;
        long pixels = (long)info.Width * info.Height;
        MemoryLimit.Reserve(pixels * ((gray ? 1 : 4) + ((gray ? 1 : 3) * sizeof(float))), path, $"the {info.Width}×{info.Height} image");
        using var bitmap = new SKBitmap(new SKImageInfo(info.Width, info.Height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Unpremul));
        SKCodecResult decoded = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (decoded == SKCodecResult.IncompleteInput)
        {
            throw new MedExplainInputException(path, "is truncated: its image data ends before the last row (a partial image is not read as a whole one).");
        }

        if (decoded != SKCodecResult.Success)
        {
            throw new MedExplainInputException(path, $"could not be decoded ({decoded}).");
        }

        return gray ? FromGray(bitmap) : FromRgba(bitmap);
    }

    /// <summary>Refuses a PNG whose header claims more image data than its compressed bytes can hold: deflate expands at
    /// most about 1032 times, so such a file is a lie or a bomb, and is refused before anything is allocated.</summary>
    private static void RefuseImpossibleSize(string path)
    {
        Span<byte> head = stackalloc byte[26];
        using FileStream stream = File.OpenRead(path);
        if (stream.ReadAtLeast(head, 26, throwOnEndOfStream: false) < 26 || !head[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return;
        }

        long width = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(head[16..]), height = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(head[20..]);
        int samples = head[25] switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 };
        long raw = height * (1 + (((width * head[24] * samples) + 7) / 8));
        if (raw > stream.Length * Samples.SampleReader.MaxDeflateRatio)
        {
            throw new MedExplainInputException(path, $"claims {width}×{height} pixels ({raw} bytes of image data), more than its {stream.Length}-byte file can hold.");
        }
    }

    /// <summary>Gets a value indicating whether the file is a PNG whose IHDR says 16 bits per sample.</summary>
    internal static bool IsSixteenBitPng(string path)
    {
        Span<byte> head = stackalloc byte[25];
        using FileStream stream = File.OpenRead(path);
        return stream.ReadAtLeast(head, 25, throwOnEndOfStream: false) == 25 && head[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && head[24] == 16;
    }

    private static FloatTensor FromGray(SKBitmap bitmap)
    {
        ReadOnlySpan<byte> pixels = bitmap.GetPixelSpan();
        var data = new float[bitmap.Width * bitmap.Height];
        for (int row = 0; row < bitmap.Height; row++)
        {
            ReadOnlySpan<byte> line = pixels.Slice(row * bitmap.RowBytes, bitmap.Width);
            for (int col = 0; col < bitmap.Width; col++)
            {
                data[(row * bitmap.Width) + col] = line[col];
            }
        }

        return new FloatTensor([1, 1, bitmap.Height, bitmap.Width], data);
    }

    private static FloatTensor FromRgba(SKBitmap bitmap)
    {
        ReadOnlySpan<byte> pixels = bitmap.GetPixelSpan();
        int plane = bitmap.Width * bitmap.Height;
        var data = new float[3 * plane];
        bool allGray = true;
        for (int row = 0; row < bitmap.Height; row++)
        {
            ReadOnlySpan<byte> line = pixels.Slice(row * bitmap.RowBytes, bitmap.Width * 4);
            for (int col = 0; col < bitmap.Width; col++)
            {
                int at = (row * bitmap.Width) + col;
                byte r = line[col * 4], g = line[(col * 4) + 1], b = line[(col * 4) + 2];
                data[at] = r;
                data[plane + at] = g;
                data[(2 * plane) + at] = b;
                allGray &= r == g && g == b;
            }
        }

        return allGray
            ? new FloatTensor([1, 1, bitmap.Height, bitmap.Width], data.AsSpan(0, plane).ToArray())
            : new FloatTensor([1, 3, bitmap.Height, bitmap.Width], data);
    }
}
