namespace MedExplain.TestUtilities;

/// <summary>Paths into the repository, found from the test binary's location.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string Demo => Path.Combine(Root, "demo");

    public static string DemoModel(string name) => Path.Combine(Demo, "models", name + ".onnx");

    public static string DemoScan(string relative) => Path.Combine(Demo, "scans", relative);

    /// <summary>The demo's screening pool (concepts/random: 80 normal, 10 tumour, 10 infarct slices), in name order.</summary>
    public static string[] ScreeningPool() => [.. Directory.GetFiles(Path.Combine(Demo, "concepts", "random"), "*.png").Order(StringComparer.Ordinal)];

    /// <summary>A screening-pool slice's class, the last part of its name (random-012-tumour.png: tumour).</summary>
    public static string PoolLabel(string scan) => Path.GetFileNameWithoutExtension(scan).Split('-')[^1];

    public static string TestData(string relative) => Path.Combine(Root, "tests", "TestData", relative);

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MedExplain.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MedExplain.slnx not found above the test binaries.");
    }
}
