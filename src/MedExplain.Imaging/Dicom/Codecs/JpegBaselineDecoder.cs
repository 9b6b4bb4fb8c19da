using SkiaSharp;

namespace MedExplain.Imaging.Dicom.Codecs;

/// <summary>Decodes 8-bit JPEG baseline frames through SkiaSharp (libjpeg-turbo); YCbCr comes out as RGB.</summary>
internal static class JpegBaselineDecoder
{
    /// <summary>Decodes one frame to interleaved 8-bit samples (1 or 3 per pixel).</summary>
    public static JpegImage Decode(ReadOnlySpan<byte> data, int samplesPerPixel, string path)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(data.ToArray()))
            ?? throw new MedExplainInputException(path, "has a JPEG baseline frame that cannot be decoded (corrupt or not JPEG).");
        SKImageInfo info = codec.Info.WithColorType(samplesPerPixel == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888).WithAlphaType(SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        SKCodecResult result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            throw new MedExplainInputException(path, $"has a JPEG baseline frame that fails to decode ({result}).");
        }

        ReadOnlySpan<byte> pixels = bitmap.GetPixelSpan();
        int count = info.Width * info.Height;
        var samples = new int[count * samplesPerPixel];
        for (int n = 0; n < count; n++)
        {
            for (int c = 0; c < samplesPerPixel; c++)
            {
                samples[(n * samplesPerPixel) + c] = samplesPerPixel == 1 ? pixels[n] : pixels[(4 * n) + c];
            }
        }

        return new JpegImage(info.Height, info.Width, samplesPerPixel, 8, samples);
    }
}
