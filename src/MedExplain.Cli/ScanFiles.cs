namespace MedExplain.Cli;

/// <summary>Finding scans in folders and naming outputs after them, the same way in every command.</summary>
internal static class ScanFiles
{
    private static readonly string[] Companions = ["-regions", "-confounder"];

    private static IReadOnlyList<string> Extensions => MedExplain.Imaging.MedicalImageReader.ScanExtensions;

    /// <summary>Gets a value indicating whether a file is named like a scan.</summary>
    public static bool IsScan(string path) => Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>The scans of a folder (not the lesion masks, "-mask" in the name, nor the atlas and confounder maps, NAME-regions.* and NAME-confounder.*),
    /// in name order, at most <paramref name="max"/>.</summary>
    public static string[] In(string folder, int max, bool recursive = false) =>
        [.. Directory.EnumerateFiles(folder, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => IsScan(f) && !Path.GetFileName(f).Contains("-mask", StringComparison.Ordinal) && !Companions.Any(c => Stem(f).EndsWith(c, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal).Take(max)];

    /// <summary>The file or folder name without its scan extension (".nii.gz" counts as one).</summary>
    public static string Stem(string path)
    {
        string name = Path.GetFileName(path.TrimEnd('/', '\\'));
        string? extension = Extensions.FirstOrDefault(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
        return extension is null ? name : name[..^extension.Length];
    }
}
