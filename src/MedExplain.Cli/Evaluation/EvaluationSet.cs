using System.Text.Json;
using MedExplain.Cli.Reports;
using MedExplain.Pipelines;

namespace MedExplain.Cli.Evaluation;

/// <summary>
/// The scans of an evaluation: a folder (NAME-mask.*, NAME-regions.* and NAME-confounder.* beside each scan NAME.*, or
/// masks and atlases in the given folders), or a manifest (JSON:
/// <c>{"samples": [{"scan", "model", "lesionMask", "regions", "confounderMask"}]}</c>, paths relative to
/// it, as the demo's <c>scans/manifest.json</c>). A manifest's samples for other models are left out.
/// </summary>
internal static class EvaluationSet
{
    public static IReadOnlyList<EvaluationItem> Load(string data, string? masks, string? atlases, string modelName, int max)
    {
        if (File.Exists(data) && data.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return FromManifest(data, modelName, max);
        }

        if (!Directory.Exists(data))
        {
            throw new MedExplainInputException(data, "not found: --data takes a folder of scans or a manifest (.json).");
        }

        string[] scans = ScanFiles.In(data, max);
        if (scans.Length == 0)
        {
            throw new MedExplainInputException(data, "holds no scans (.nii, .nii.gz, .dcm, .npy, .png, .jpg).");
        }

        return [.. scans.Select(s => new EvaluationItem(s, Companion(s, masks ?? data, "-mask"), Companion(s, atlases ?? data, "-regions"), Companion(s, data, "-confounder")))];
    }

    private static string? Companion(string scan, string folder, string suffix) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, ScanFiles.Stem(scan) + suffix + ".*").Where(ScanFiles.IsScan).Order(StringComparer.Ordinal).FirstOrDefault()
            : null;

    private static EvaluationItem[] FromManifest(string path, string modelName, int max)
    {
        Manifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), JsonOutput.Options) ?? throw new MedExplainInputException(path, "manifest is empty.");
        }
        catch (JsonException e)
        {
            throw new MedExplainInputException(path, $"manifest is not valid JSON of the form {{\"samples\": [{{\"scan\": ...}}]}}: {e.Message}", e);
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string? Resolve(string? relative) => relative is null ? null : Path.Combine(folder, relative);
        EvaluationItem[] items = [.. (manifest.Samples ?? [])
            .Where(s => s.Model is null || s.Model == modelName)
            .Take(max)
            .Select(s => new EvaluationItem(
                Resolve(s.Scan) ?? throw new MedExplainInputException(path, "a sample has no \"scan\"."),
                Resolve(s.LesionMask),
                Resolve(s.Regions),
                Resolve(s.ConfounderMask)))];
        return items.Length > 0 ? items : throw new MedExplainInputException(path, $"lists no scans for model '{modelName}'.");
    }

    private sealed record Manifest(IReadOnlyList<ManifestSample>? Samples);

    private sealed record ManifestSample(string? Scan, string? Model, string? LesionMask, string? Regions, string? ConfounderMask);
}
