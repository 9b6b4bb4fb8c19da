namespace MedExplain.Imaging;

/// <summary>Finding scans in folders and naming outputs after them, the same way in every use case.</summary>
public static class ScanFolder
{
    private static readonly string[] Companions = ["-regions", "-confounder"];

    private static IReadOnlyList<string> Extensions => MedicalImageReader.ScanExtensions;

    /// <summary>Gets a value indicating whether a file is named like a scan.</summary>
    /// <param name="path">The file.</param>
    public static bool IsScan(string path) => Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>The scans of a folder (not the lesion masks, "-mask" in the name, nor the atlas and confounder maps, NAME-regions.* and NAME-confounder.*),
    /// in name order, at most <paramref name="max"/>.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="max">The most scans to list.</param>
    /// <param name="recursive">Whether to look in subfolders too.</param>
    public static string[] In(string folder, int max, bool recursive = false) =>
        [.. Directory.EnumerateFiles(folder, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => IsScan(f) && !Path.GetFileName(f).Contains("-mask", StringComparison.Ordinal) && !Companions.Any(c => Stem(f).EndsWith(c, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal).Take(max)];

    /// <summary>The file or folder name without its scan extension (".nii.gz" counts as one).</summary>
    /// <param name="path">The file or folder.</param>
    public static string Stem(string path)
    {
        string name = Path.GetFileName(path.TrimEnd('/', '\\'));
        string? extension = Extensions.FirstOrDefault(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
        return extension is null ? name : name[..^extension.Length];
    }
}
