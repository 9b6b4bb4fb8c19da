namespace MedExplain.TestUtilities;

/// <summary>Paths into the repository, found from the test binary's location.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string Demo => Path.Combine(Root, "demo");

    public static string DemoModel(string name) => Path.Combine(Demo, "models", name + ".onnx");

    public static string DemoScan(string relative) => Path.Combine(Demo, "scans", relative);

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
