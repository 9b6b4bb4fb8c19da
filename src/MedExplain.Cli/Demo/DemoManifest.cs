using System.Text.Json;
using MedExplain.Cli.Reports;

namespace MedExplain.Cli.Demo;

/// <summary>The bundled demo's index (<c>demo/scans/manifest.json</c>): each sample scan, its model and its truth.</summary>
internal sealed record DemoManifest(IReadOnlyList<DemoManifest.Sample> Samples)
{
    public const string RelativePath = "scans/manifest.json";

    public static DemoManifest Read(string demoDirectory)
    {
        string path = Path.Combine(demoDirectory, RelativePath);
        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "demo manifest not found; pass --demo-dir pointing at the repository's demo/ folder.");
        }

        try
        {
            return JsonSerializer.Deserialize<DemoManifest>(File.ReadAllText(path), JsonOutput.Options)
                   ?? throw new MedExplainInputException(path, "demo manifest is empty.");
        }
        catch (JsonException e)
        {
            throw new MedExplainInputException(path, $"demo manifest is not valid: {e.Message}", e);
        }
    }

    /// <summary>The demo folder: the given one, else the copy beside the program, else one found above the working directory.</summary>
    public static string Locate(string? requested)
    {
        if (requested is not null)
        {
            return requested;
        }

        string beside = Path.Combine(AppContext.BaseDirectory, "demo");
        if (File.Exists(Path.Combine(beside, RelativePath)))
        {
            return beside;
        }

        for (DirectoryInfo? dir = new(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "demo");
            if (File.Exists(Path.Combine(candidate, RelativePath)))
            {
                return candidate;
            }
        }

        return beside;
    }

    internal sealed record Sample(string Scan, string Model, string Truth, string? LesionMask, string? Regions = null, string? ConfounderMask = null);
}
