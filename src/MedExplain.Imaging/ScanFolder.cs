namespace MedExplain.Imaging;

/// <summary>Finding scans in folders and naming outputs after them, the same way in every use case.</summary>
public static class ScanFolder
{
    private static readonly string[] Companions = ["-regions", "-confounder", "-area"];

    private static IReadOnlyList<string> Extensions => MedicalImageReader.ScanExtensions;

    /// <summary>Gets a value indicating whether a file is named like a scan.</summary>
    /// <param name="path">The file.</param>
    public static bool IsScan(string path) => Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>The scans of a folder, one per scan: not the lesion masks ("-mask" in the name), the atlas and confounder
    /// maps (NAME-regions.*, NAME-confounder.*) or other label maps (NAME-area.*), and of twins in several formats (NAME.png
    /// and NAME.nii.gz) only the one placed in space (NIfTI, DICOM) before an array (NPY) before a picture. In name order,
    /// at most <paramref name="max"/>.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="max">The most scans to list.</param>
    /// <param name="recursive">Whether to look in subfolders too.</param>
    public static string[] In(string folder, int max, bool recursive = false) =>
        [.. Directory.EnumerateFiles(folder, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => IsScan(f) && !Path.GetFileName(f).Contains("-mask", StringComparison.Ordinal) && !Companions.Any(c => Stem(f).EndsWith(c, StringComparison.Ordinal)))
            .GroupBy(f => Path.Combine(Path.GetDirectoryName(f) ?? string.Empty, Stem(f)), StringComparer.Ordinal)
            .Select(twins => twins.OrderBy(FormatRank).ThenBy(f => f, StringComparer.Ordinal).First())
            .Order(StringComparer.Ordinal).Take(max)];

    /// <summary>The companion of <paramref name="scan"/> in <paramref name="folder"/> (NAME-mask.*, NAME-regions.*; a scan
    /// extension in lower or upper case), in the scan's own format when there is one, so that both are placed in space the
    /// same way.</summary>
    /// <param name="scan">The scan.</param>
    /// <param name="folder">Where to look.</param>
    /// <param name="suffix">"-mask", "-regions" or "-confounder".</param>
    public static string? Companion(string scan, string folder, string suffix)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        // The few names it can have are tried one by one: listing the folder for every scan would cost a cohort of N
        // scans N² directory entries.
        string extension = Extensions.FirstOrDefault(e => scan.EndsWith(e, StringComparison.OrdinalIgnoreCase)) ?? string.Empty;
        string name = Path.Combine(folder, Stem(scan) + suffix);
        return Extensions.SelectMany(e => new[] { e, e.ToUpperInvariant() }).Select(e => name + e).Where(File.Exists)
            .OrderBy(f => f.EndsWith(extension, StringComparison.OrdinalIgnoreCase) ? 0 : 1).ThenBy(FormatRank).ThenBy(f => f, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>Placed in space first (NIfTI, DICOM), then arrays, then pictures.</summary>
    private static int FormatRank(string path) =>
        path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".hdr", StringComparison.OrdinalIgnoreCase) ? 0
        : path.EndsWith(".dcm", StringComparison.OrdinalIgnoreCase) ? 1
        : path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? 2
        : 3;

    /// <summary>The file or folder name without its scan extension (".nii.gz" counts as one).</summary>
    /// <param name="path">The file or folder.</param>
    public static string Stem(string path)
    {
        string name = Path.GetFileName(path.TrimEnd('/', '\\'));
        string? extension = Extensions.FirstOrDefault(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
        return extension is null ? name : name[..^extension.Length];
    }
}
