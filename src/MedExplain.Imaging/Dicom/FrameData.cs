using System.Buffers.Binary;

namespace MedExplain.Imaging.Dicom;

/// <summary>Splits encapsulated Pixel Data fragments into frames (PS3.5 A.4).</summary>
internal static class FrameData
{
    /// <summary>Gets each frame's compressed bytes. <paramref name="fragments"/>[0] is the Basic Offset Table, possibly empty.</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Split(IReadOnlyList<ReadOnlyMemory<byte>> fragments, int frames, PixelCodec codec, string path)
    {
        if (fragments.Count < 2)
        {
            throw new MedExplainInputException(path, "has encapsulated Pixel Data without any fragment.");
        }

        ReadOnlyMemory<byte>[] data = [.. fragments.Skip(1)];
        ReadOnlySpan<byte> table = fragments[0].Span;
        if (frames == 1)
        {
            return [Join(data)];
        }

        if (table.Length >= 4 * frames)
        {
            return ByOffsetTable(data, table, frames, path);
        }

        if (data.Length == frames)
        {
            return data;
        }

        if (codec is PixelCodec.JpegBaseline or PixelCodec.JpegExtended or PixelCodec.JpegLossless or PixelCodec.JpegLs or PixelCodec.Jpeg2000)
        {
            // Several fragments per frame and no offset table: a frame starts where a fragment starts with SOI (JPEG,
            // JPEG-LS), SOC (a JPEG 2000 code stream) or a JP2 signature box.
            var groups = new List<List<ReadOnlyMemory<byte>>>();
            foreach (ReadOnlyMemory<byte> fragment in data)
            {
                if (groups.Count == 0 || fragment.Span is [0xFF, 0xD8, ..] or [0xFF, 0x4F, 0xFF, 0x51, ..] or [0, 0, 0, 0x0C, 0x6A, 0x50, ..])
                {
                    groups.Add([]);
                }

                groups[^1].Add(fragment);
            }

            if (groups.Count == frames)
            {
                return [.. groups.Select(Join)];
            }
        }

        throw new MedExplainInputException(path, $"has {data.Length} pixel data fragments for {frames} frames and no offset table to assign them.");
    }

    private static ReadOnlyMemory<byte>[] ByOffsetTable(ReadOnlyMemory<byte>[] data, ReadOnlySpan<byte> table, int frames, string path)
    {
        // Offsets count from the first fragment's item tag; each fragment adds 8 bytes of item header.
        var starts = new long[data.Length];
        for (int n = 1; n < data.Length; n++)
        {
            starts[n] = starts[n - 1] + 8 + data[n - 1].Length;
        }

        var result = new ReadOnlyMemory<byte>[frames];
        for (int f = 0; f < frames; f++)
        {
            long offset = BinaryPrimitives.ReadUInt32LittleEndian(table[(4 * f)..]);
            long next = f + 1 < frames ? BinaryPrimitives.ReadUInt32LittleEndian(table[(4 * (f + 1))..]) : long.MaxValue;
            int first = Array.IndexOf(starts, offset);
            if (first < 0)
            {
                throw new MedExplainInputException(path, $"has a Basic Offset Table entry {offset} for frame {f + 1} that is not the start of a fragment.");
            }

            result[f] = Join([.. data.Where((_, n) => starts[n] >= offset && starts[n] < next)]);
        }

        return result;
    }

    private static ReadOnlyMemory<byte> Join(IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var joined = new byte[parts.Sum(p => p.Length)];
        int at = 0;
        foreach (ReadOnlyMemory<byte> part in parts)
        {
            part.Span.CopyTo(joined.AsSpan(at));
            at += part.Length;
        }

        return joined;
    }
}
