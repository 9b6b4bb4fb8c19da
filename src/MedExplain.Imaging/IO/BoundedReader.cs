namespace MedExplain.Imaging.IO;

/// <summary>Reads a length a header claims without trusting it: memory grows only as bytes actually arrive.</summary>
internal static class BoundedReader
{
    private const int ChunkSize = 16 << 20;

    /// <summary>Reads exactly <paramref name="count"/> bytes or fails naming the file.</summary>
    /// <param name="stream">The source; a seekable one is checked against its length before anything is allocated.</param>
    /// <param name="count">The bytes wanted.</param>
    /// <param name="path">The file, for messages.</param>
    /// <param name="what">What the bytes are, for messages.</param>
    public static byte[] ReadExactly(Stream stream, long count, string path, string what)
    {
        if (count > Array.MaxLength)
        {
            throw new MedExplainInputException(path, $"{what} would take {count} bytes, more than one array can hold.");
        }

        if (stream.CanSeek && stream.Length - stream.Position < count)
        {
            throw new MedExplainInputException(path, $"is truncated: {what} needs {count} bytes but only {Math.Max(0, stream.Length - stream.Position)} remain.");
        }

        if (stream.CanSeek || count <= ChunkSize)
        {
            var buffer = new byte[count];
            ReadInto(stream, buffer, path, what, 0, count);
            return buffer;
        }

        // A compressed stream cannot say how much it holds: collect chunks, so a lying header cannot make us allocate.
        var chunks = new List<byte[]>();
        long read = 0;
        while (read < count)
        {
            var chunk = new byte[Math.Min(ChunkSize, count - read)];
            ReadInto(stream, chunk, path, what, read, count);
            chunks.Add(chunk);
            read += chunk.Length;
        }

        var whole = new byte[count];
        long at = 0;
        foreach (byte[] chunk in chunks)
        {
            chunk.CopyTo(whole, at);
            at += chunk.Length;
        }

        return whole;
    }

    /// <summary>Skips <paramref name="count"/> bytes of a stream that may not seek.</summary>
    /// <param name="stream">The source.</param>
    /// <param name="count">The bytes to skip.</param>
    /// <param name="path">The file, for messages.</param>
    public static void Skip(Stream stream, long count, string path)
    {
        if (stream.CanSeek)
        {
            if (stream.Length - stream.Position < count)
            {
                throw new MedExplainInputException(path, "is truncated: the data starts past the end of the file.");
            }

            stream.Seek(count, SeekOrigin.Current);
            return;
        }

        var scratch = new byte[(int)Math.Min(count, 1 << 20)];
        try
        {
            while (count > 0)
            {
                int n = stream.Read(scratch, 0, (int)Math.Min(count, scratch.Length));
                if (n == 0)
                {
                    throw new MedExplainInputException(path, "is truncated: the data starts past the end of the file.");
                }

                count -= n;
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException) // zlib reports some corruption as an IOException
        {
            throw new MedExplainInputException(path, $"has corrupt compressed data ({e.Message}).", e);
        }
    }

    private static void ReadInto(Stream stream, byte[] buffer, string path, string what, long before, long total)
    {
        try
        {
            int got = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (got < buffer.Length)
            {
                throw new MedExplainInputException(path, $"is truncated: {what} needs {total} bytes but the file ends after {before + got}.");
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException) // zlib reports some corruption as an IOException
        {
            throw new MedExplainInputException(path, $"has corrupt compressed data ({e.Message}).", e);
        }
    }
}
