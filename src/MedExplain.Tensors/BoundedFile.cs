namespace MedExplain;

/// <summary>Reads small files (cards, manifests, tables) with a bound that holds for devices and pipes too, whose
/// length the file system reports as 0.</summary>
public static class BoundedFile
{
    /// <summary>A text file (JSON) as bytes that are valid UTF-8, refused once more than <paramref name="maxBytes"/> arrive.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The most it may hold.</param>
    /// <param name="what">What it should be, for messages ("model card").</param>
    /// <exception cref="MedExplainInputException">Missing, unreadable, too large, or not UTF-8.</exception>
    public static byte[] ReadUtf8(string path, int maxBytes, string what)
    {
        byte[] bytes = ReadAllBytes(path, maxBytes, what);
        try
        {
            _ = StrictUtf8.GetCharCount(bytes);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new MedExplainInputException(path, $"is not UTF-8 text (byte {e.Index} of the file is no valid character); a {what} is UTF-8 JSON.", e);
        }

        return bytes;
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The whole file, refused once more than <paramref name="maxBytes"/> arrive.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The most it may hold.</param>
    /// <param name="what">What it should be, for messages ("model card").</param>
    /// <exception cref="MedExplainInputException">Missing, a folder, unreadable or too large.</exception>
    public static byte[] ReadAllBytes(string path, int maxBytes, string what)
    {
        if (Directory.Exists(path))
        {
            throw new MedExplainInputException(path, $"is a folder, not a {what}.");
        }

        try
        {
            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            var buffer = new byte[Math.Min(maxBytes + 1L, stream.CanSeek ? Math.Max(stream.Length + 1, 4096) : maxBytes + 1L)];
            int total = 0;
            while (total < buffer.Length)
            {
                int n = stream.Read(buffer, total, buffer.Length - total);
                if (n == 0)
                {
                    return buffer[..total];
                }

                total += n;
                if (total > maxBytes)
                {
                    throw new MedExplainInputException(path, $"holds more than {MemoryLimit.Format(maxBytes)}; that is too large for a {what}. Is this the right file?");
                }

                if (total == buffer.Length)
                {
                    Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1L, buffer.Length * 2L));
                }
            }

            return buffer[..total];
        }
        catch (FileNotFoundException e)
        {
            throw new MedExplainInputException(path, $"{what} not found.", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new MedExplainInputException(path, $"{what} not found.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new MedExplainInputException(path, $"cannot be read: permission denied.", e);
        }
    }
}
