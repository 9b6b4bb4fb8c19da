using System.IO.Compression;

namespace MedExplain.Imaging.Npy;

/// <summary>NumPy .npz archives (a zip of .npy files, numpy.load reads them): named float32 arrays in one file.</summary>
/// <remarks>Names are escaped (Uri.EscapeDataString) so ONNX node names such as "/stem/Conv" stay one entry each.</remarks>
public static class NpzArchive
{
    /// <summary>Writes arrays by name.</summary>
    /// <param name="path">The .npz file.</param>
    /// <param name="arrays">Name → array.</param>
    public static void Write(string path, IReadOnlyDictionary<string, FloatTensor> arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach ((string name, FloatTensor array) in arrays)
            {
                using Stream entry = zip.CreateEntry(Uri.EscapeDataString(name) + ".npy", CompressionLevel.Optimal).Open();
                NpyWriter.Write(entry, array);
            }
        });
    }

    /// <summary>Reads every array.</summary>
    /// <param name="path">The .npz file.</param>
    /// <exception cref="MedExplainInputException">Not a zip of .npy files.</exception>
    public static Dictionary<string, FloatTensor> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "file not found.");
        }

        try
        {
            using ZipArchive zip = ZipFile.OpenRead(path);
            var arrays = new Dictionary<string, FloatTensor>(StringComparer.Ordinal);
            foreach (ZipArchiveEntry entry in zip.Entries.Where(e => e.Name.EndsWith(".npy", StringComparison.Ordinal)))
            {
                // Straight from the inflating stream: the array's header sizes the read, checked against the memory limit.
                using Stream stream = entry.Open();
                arrays[Uri.UnescapeDataString(entry.FullName[..^4])] = NpyReader.Read(stream, $"{path}:{entry.FullName}");
            }

            return arrays;
        }
        catch (Exception e) when (e is InvalidDataException or IOException) // zlib reports some corruption as an IOException
        {
            throw new MedExplainInputException(path, $"is not an .npz archive ({e.Message}).", e);
        }
    }
}
