using System.Runtime.CompilerServices;
using JpegLibrary;

namespace MedExplain.Imaging.Dicom.Codecs;

/// <summary>Decodes JPEG extended sequential frames (processes 2 and 4: Huffman DCT at 8 or 12 bits, the 12-bit CT and
/// MR of older archives) with JpegLibrary; libjpeg-turbo in SkiaSharp decodes 8 bits only. Colour stays in the stream's
/// components (YCbCr is converted by the caller from the header's photometric interpretation).</summary>
internal static class JpegExtendedDecoder
{
    /// <summary>Decodes one frame to samples, components interleaved per pixel.</summary>
    /// <param name="data">The JPEG stream, SOI to EOI.</param>
    /// <param name="path">The file, for messages.</param>
    /// <param name="expected">The size the DICOM header declares; a stream that says otherwise is refused before decoding.</param>
    public static JpegImage Decode(ReadOnlySpan<byte> data, string path, (int Rows, int Columns, int Components) expected)
    {
        var decoder = new JpegDecoder();
        decoder.SetInput(data.ToArray());
        try
        {
            decoder.Identify();
            if (decoder.Height != expected.Rows || decoder.Width != expected.Columns || decoder.NumberOfComponents != expected.Components)
            {
                throw new MedExplainInputException(path, $"has a JPEG frame of {decoder.Width}×{decoder.Height}×{decoder.NumberOfComponents} where the header says {expected.Columns}×{expected.Rows}×{expected.Components}.");
            }

            if (decoder.Precision is not (8 or 12))
            {
                throw new MedExplainInputException(path, $"has a JPEG extended frame of {decoder.Precision}-bit precision; the standard allows 8 or 12.");
            }

            for (int c = 0; c < decoder.NumberOfComponents; c++)
            {
                if (decoder.GetHorizontalSampling(c) != decoder.GetMaximumHorizontalSampling() || decoder.GetVerticalSampling(c) != decoder.GetMaximumVerticalSampling())
                {
                    throw new MedExplainInputException(path, "has a JPEG extended frame with subsampled colour components, which MedExplain does not decode.");
                }
            }

            var writer = new SampleWriter(decoder.Width, decoder.Height, decoder.NumberOfComponents, (1 << decoder.Precision) - 1);
            decoder.SetOutputWriter(writer);
            decoder.Decode();
            return new JpegImage(decoder.Height, decoder.Width, decoder.NumberOfComponents, decoder.Precision, writer.Samples);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or NotSupportedException)
        {
            // JpegLibrary's ways of saying a stream is broken, cut short or uses what it does not decode.
            throw new MedExplainInputException(path, $"has a JPEG extended frame that cannot be decoded: {e.Message.TrimEnd('.')}.", e);
        }
    }

    /// <summary>Receives 8 × 8 blocks of level-shifted samples and puts them in place, clipped to the image and clamped
    /// to the precision's range (the inverse DCT can overshoot it by a little).</summary>
    private sealed class SampleWriter(int width, int height, int components, int max) : JpegBlockOutputWriter
    {
        public int[] Samples { get; } = new int[width * height * components];

        public override void WriteBlock(ref short blockRef, int componentIndex, int x, int y)
        {
            for (int row = 0; row < 8 && y + row < height; row++)
            {
                for (int column = 0; column < 8 && x + column < width; column++)
                {
                    int sample = Unsafe.Add(ref blockRef, (row * 8) + column);
                    Samples[((((y + row) * width) + x + column) * components) + componentIndex] = Math.Clamp(sample, 0, max);
                }
            }
        }
    }
}
