using System.Globalization;

namespace MedExplain;

/// <summary>
/// The one resource policy of every read: what a file decodes to is checked against a memory limit before the array is
/// allocated, so a small file that claims a huge image (a decompression bomb, a lying header) is refused instead of
/// taking the machine's memory. The limit bounds what one read decodes to; the batches of a method are sized against
/// the whole process's memory separately (MedExplain.Batching.MemoryBudget).
/// </summary>
/// <remarks>The default is half the memory the machine (or its container) gives this process. A caller lowers
/// or raises it for a piece of work with <see cref="Use"/>, never beyond what exists.</remarks>
public static class MemoryLimit
{
    private static readonly AsyncLocal<long?> Scoped = new();

    /// <summary>Gets the memory this process can have: the machine's physical memory or its container's limit.</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Gets the limit in force: the innermost <see cref="Use"/>, else half of <see cref="AvailableBytes"/>.</summary>
    public static long Bytes => Scoped.Value ?? (AvailableBytes / 2);

    /// <summary>Sets the limit for the work done until the result is disposed (on this thread and the tasks it starts).</summary>
    /// <param name="bytes">The limit for the whole process.</param>
    /// <exception cref="MedExplainParameterException">Not above 0, or more than the machine has.</exception>
    public static IDisposable Use(long bytes)
    {
        Validate(bytes);
        long? outer = Scoped.Value;
        Scoped.Value = bytes;
        return new Restore(outer);
    }

    /// <summary>Checks that a memory limit can be kept: above 0 and no more than the machine has.</summary>
    /// <param name="bytes">The limit.</param>
    /// <exception cref="MedExplainParameterException">It cannot.</exception>
    public static void Validate(long bytes)
    {
        if (bytes <= 0)
        {
            throw new MedExplainParameterException("max-memory", $"must be above 0 bytes, not {bytes}.");
        }

        if (bytes > AvailableBytes)
        {
            throw new MedExplainParameterException("max-memory", $"{Format(bytes)} is more than this machine gives the process ({Format(AvailableBytes)}).");
        }
    }

    /// <summary>Refuses, naming the file, to allocate <paramref name="bytes"/> when that is past the limit.</summary>
    /// <param name="bytes">What the decoded data will take.</param>
    /// <param name="path">The file it comes from.</param>
    /// <param name="what">What it is ("the voxels", "entry 'w.npy'").</param>
    /// <exception cref="MedExplainInputException">It would.</exception>
    public static void Reserve(long bytes, string path, string what)
    {
        long limit = Bytes;
        if (bytes < 0 || bytes > limit)
        {
            throw new MedExplainInputException(path, $"{what} would take {Format(bytes)} in memory, past the memory limit of {Format(limit)}. Give the run more memory if the machine has it, or crop or downsample the file.");
        }
    }

    /// <summary>A new float array of <paramref name="count"/> elements, after <see cref="Reserve"/>.</summary>
    /// <param name="count">The elements.</param>
    /// <param name="path">The file they come from.</param>
    /// <param name="what">What they are.</param>
    /// <exception cref="MedExplainInputException">Past the limit, or more than one array can hold.</exception>
    public static float[] NewFloats(long count, string path, string what)
    {
        if (count > Array.MaxLength)
        {
            throw new MedExplainInputException(path, $"{what} hold {count} values, more than this build can keep in one array ({Array.MaxLength}).");
        }

        Reserve(count * sizeof(float), path, what);
        return new float[count];
    }

    /// <summary>A byte count for messages: 1.5 GiB, 300 MiB, 12 KiB, 80 B.</summary>
    /// <param name="bytes">The count.</param>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.##} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.##} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    private sealed class Restore(long? outer) : IDisposable
    {
        public void Dispose() => Scoped.Value = outer;
    }
}
