using System.Runtime.InteropServices;

namespace MedExplain.Imaging.Samples;

/// <summary>Streams stored samples straight into a float array, a megabyte at a time, without a full-size byte copy.</summary>
internal static class SampleReader
{
    /// <summary>Deflate cannot expand data more than about 1032 times, so a compressed file cannot hold more than this.</summary>
    public const long MaxDeflateRatio = 1032;

    private const int Chunk = 1 << 20;

    /// <summary>Reads <paramref name="count"/> samples.</summary>
    /// <param name="stream">The source, positioned at the first sample.</param>
    /// <param name="count">The samples wanted.</param>
    /// <param name="type">Their stored type.</param>
    /// <param name="bigEndian">Their byte order.</param>
    /// <param name="fileLength">The file's length on disk: a compressed stream claiming more than it can hold is refused before allocating.</param>
    /// <param name="path">The file, for messages.</param>
    public static float[] Read(Stream stream, long count, SampleType type, bool bigEndian, long fileLength, string path)
    {
        long bytes = count * type.Size();
        long limit = stream.CanSeek ? stream.Length - stream.Position : fileLength * MaxDeflateRatio;
        if (bytes > limit)
        {
            throw new MedExplainInputException(path, stream.CanSeek
                ? $"is truncated: the voxel data needs {bytes} bytes but only {Math.Max(0, limit)} remain."
                : $"claims {bytes} bytes of voxel data, more than a {fileLength}-byte compressed file can hold.");
        }

        float[] values = MemoryLimit.NewFloats(count, path, "the voxels");
        if (type == SampleType.Float32 && bigEndian != BitConverter.IsLittleEndian)
        {
            // Straight into the array, a chunk at a time: one span of bytes cannot cover more than 2^29 floats.
            for (long start = 0; start < count; start += Chunk / sizeof(float))
            {
                int n = (int)Math.Min(Chunk / sizeof(float), count - start);
                Fill(stream, MemoryMarshal.AsBytes(values.AsSpan((int)start, n)), start * sizeof(float), bytes, path);
            }

            return values;
        }

        var buffer = new byte[(int)Math.Min(bytes, Chunk - (Chunk % type.Size()))];
        long done = 0;
        while (done < count)
        {
            int n = (int)Math.Min(buffer.Length / type.Size(), count - done);
            Span<byte> chunk = buffer.AsSpan(0, n * type.Size());
            Fill(stream, chunk, done * type.Size(), bytes, path);
            SampleTypes.ToFloat(chunk, type, bigEndian, values.AsSpan((int)done, n));
            done += n;
        }

        return values;
    }

    private static void Fill(Stream stream, Span<byte> target, long before, long total, string path)
    {
        try
        {
            int got = stream.ReadAtLeast(target, target.Length, throwOnEndOfStream: false);
            if (got < target.Length)
            {
                throw new MedExplainInputException(path, $"is truncated: the voxel data needs {total} bytes but the file ends after {before + got}.");
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException) // zlib reports some corruption as an IOException
        {
            throw new MedExplainInputException(path, $"has corrupt compressed data ({e.Message}).", e);
        }
    }
}
