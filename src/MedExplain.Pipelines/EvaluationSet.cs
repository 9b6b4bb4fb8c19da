using System.Text.Json;
using MedExplain.Imaging;

namespace MedExplain.Pipelines;

/// <summary>
/// The scans of an evaluation: a folder (NAME-mask.*, NAME-regions.* and NAME-confounder.* beside each scan NAME.*, or
/// masks and atlases in the given folders), or a manifest (JSON:
/// <c>{"samples": [{"scan", "model", "truth", "lesionMask", "regions", "confounderMask"}]}</c>, paths relative to
/// it, as the demo's <c>scans/manifest.json</c>). A manifest's samples for other models are left out.
/// </summary>
public static class EvaluationSet
{
    /// <summary>The largest manifest read: some hundred thousand samples.</summary>
    public const int MaxManifestBytes = 64 << 20;

    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web);

    /// <summary>The scans of a folder or a manifest, with their masks and atlases.</summary>
    /// <param name="data">A folder of scans or a manifest (.json).</param>
    /// <param name="masks">The folder of the lesion masks, or null for the scans' folder.</param>
    /// <param name="atlases">The folder of the atlas label maps, or null for the scans' folder.</param>
    /// <param name="modelName">The model's name: a manifest's samples for other models are left out.</param>
    /// <param name="max">The most scans to take.</param>
    /// <exception cref="MedExplainInputException">The folder or manifest is missing, empty or malformed.</exception>
    public static IReadOnlyList<EvaluationItem> Load(string data, string? masks, string? atlases, string modelName, int max)
    {
        if (File.Exists(data) && data.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return FromManifest(data, modelName, max);
        }

        if (!Directory.Exists(data))
        {
            throw new MedExplainInputException(data, "not found: expected a folder of scans or a manifest (.json).");
        }

        string[] scans = ScanFolder.In(data, Math.Max(1, max));
        if (scans.Length == 0)
        {
            throw new MedExplainInputException(data, $"holds no scans ({string.Join(", ", MedicalImageReader.ScanExtensions)}).");
        }

        return [.. scans.Select(s => new EvaluationItem(s, ScanFolder.Companion(s, masks ?? data, "-mask"), ScanFolder.Companion(s, atlases ?? data, "-regions"), ScanFolder.Companion(s, data, "-confounder")))];
    }

    private static EvaluationItem[] FromManifest(string path, string modelName, int max)
    {
        Manifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(BoundedFile.ReadUtf8(path, MaxManifestBytes, "manifest"), ManifestJson) ?? throw new MedExplainInputException(path, "manifest is empty.");
        }
        catch (JsonException e)
        {
            throw new MedExplainInputException(path, $"manifest is not valid JSON of the form {{\"samples\": [{{\"scan\": ...}}]}}: {e.Message}", e);
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string? Resolve(string? relative) => relative is null ? null : Path.Combine(folder, relative);
        IReadOnlyList<ManifestSample?> samples = manifest.Samples ?? [];
        int empty = samples.ToList().IndexOf(null);
        if (empty >= 0)
        {
            throw new MedExplainInputException(path, $"sample {empty} is null, not an object with a \"scan\".");
        }

        EvaluationItem[] items = [.. samples.OfType<ManifestSample>()
            .Where(s => s.Model is null || s.Model == modelName)
            .Take(max)
            .Select(s => new EvaluationItem(
                Resolve(s.Scan) ?? throw new MedExplainInputException(path, "a sample has no \"scan\"."),
                Resolve(s.LesionMask),
                Resolve(s.Regions),
                Resolve(s.ConfounderMask)) { Truth = s.Truth })];
        return items.Length > 0 ? items : throw new MedExplainInputException(path, $"lists no scans for model '{modelName}'.");
    }

    private sealed record Manifest(IReadOnlyList<ManifestSample?>? Samples);

    private sealed record ManifestSample(string? Scan, string? Model, string? LesionMask, string? Regions, string? ConfounderMask, string? Truth);
}
