namespace MedExplain.Benchmarks;

/// <summary>Finds the bundled demo models from the benchmark binary's location.</summary>
internal static class DemoModels
{
    public static string Path(string name)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "demo", "models", name + ".onnx");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"demo model {name} not found above {AppContext.BaseDirectory}");
    }
}
