using System.Buffers.Binary;

namespace MedExplain.Imaging.Dicom.Codecs;

/// <summary>Decodes one frame of DICOM RLE Lossless (PS3.5 annex G): up to 15 PackBits segments, one per byte plane.</summary>
internal static class RleDecoder
{
    /// <summary>Decodes a frame into samples, planar (sample plane by sample plane), each sample in pixel order.</summary>
    /// <param name="frame">The frame's bytes: the 64-byte RLE header, then the segments.</param>
    /// <param name="pixels">Rows × columns.</param>
    /// <param name="samplesPerPixel">1 or 3.</param>
    /// <param name="bytesPerSample">BitsAllocated / 8.</param>
    /// <param name="path">The file, for messages.</param>
    /// <returns>Unsigned sample values, planar.</returns>
    public static uint[] Decode(ReadOnlySpan<byte> frame, int pixels, int samplesPerPixel, int bytesPerSample, string path)
    {
        if (frame.Length < 64)
        {
            throw new MedExplainInputException(path, "has an RLE frame shorter than its 64-byte header.");
        }

        int segments = (int)BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (segments != samplesPerPixel * bytesPerSample)
        {
            throw new MedExplainInputException(path, $"has an RLE frame with {segments} segments; {samplesPerPixel} sample(s) of {bytesPerSample} byte(s) need {samplesPerPixel * bytesPerSample}.");
        }

        var samples = new uint[pixels * samplesPerPixel];
        var plane = new byte[pixels];
        for (int s = 0; s < segments; s++)
        {
            int start = (int)BinaryPrimitives.ReadUInt32LittleEndian(frame[(4 + (4 * s))..]);
            int end = s + 1 < segments ? (int)BinaryPrimitives.ReadUInt32LittleEndian(frame[(8 + (4 * s))..]) : frame.Length;
            if (start < 64 || end < start || end > frame.Length)
            {
                throw new MedExplainInputException(path, $"has an RLE segment table pointing outside its frame (segment {s + 1}: {start}..{end} of {frame.Length}).");
            }

            UnpackBits(frame[start..end], plane);

            // Segments run most significant byte first within each sample.
            int sample = s / bytesPerSample;
            int shift = 8 * (bytesPerSample - 1 - (s % bytesPerSample));
            Span<uint> target = samples.AsSpan(sample * pixels, pixels);
            for (int n = 0; n < pixels; n++)
            {
                target[n] |= (uint)plane[n] << shift;
            }
        }

        return samples;
    }

    /// <summary>PackBits: n in 0..127 copies n + 1 bytes; n in -127..-1 repeats the next byte 1 − n times; -128 does nothing.</summary>
    private static void UnpackBits(ReadOnlySpan<byte> segment, Span<byte> output)
    {
        output.Clear();
        int read = 0, written = 0;
        while (read < segment.Length && written < output.Length)
        {
            int n = (sbyte)segment[read++];
            if (n >= 0)
            {
                int count = Math.Min(Math.Min(n + 1, segment.Length - read), output.Length - written);
                segment.Slice(read, count).CopyTo(output[written..]);
                read += n + 1;
                written += count;
            }
            else if (n != -128 && read < segment.Length)
            {
                int count = Math.Min(1 - n, output.Length - written);
                output.Slice(written, count).Fill(segment[read++]);
                written += count;
            }
        }
    }
}
