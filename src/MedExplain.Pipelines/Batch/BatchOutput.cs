using System.Text.Json;
using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;

namespace MedExplain.Pipelines.Batch;

/// <summary>What an item found besides its map: the prediction the map explains and, in a job with metrics, the map's
/// metrics.</summary>
/// <param name="Key">The item's key.</param>
/// <param name="Prediction">The predicted class.</param>
/// <param name="Probability">Its probability.</param>
/// <param name="Metrics">Each metric's value; a metric the scan lacks the input for (no lesion mask) is absent.</param>
/// <param name="Curves">Each curve metric's curve (deletion, insertion, sensitivity-n).</param>
public sealed record ItemFindings(string Key, string Prediction, double Probability, IReadOnlyDictionary<string, double> Metrics, IReadOnlyDictionary<string, double[]> Curves);

/// <summary>An item's outputs: the map as NIfTI on the scan's grid, its header naming the item's key, and beside it a
/// JSON file of its findings. Each is written whole or not at all (a temporary name, flushed to disk, renamed into
/// place), the findings first, so a map in place under its key means both are whole and a re-run can adopt them.</summary>
public static class BatchOutput
{
    private const string Mark = "MedExplain batch item ";

    /// <summary>How findings are written, in their files, the ledger and results.jsonl: a metric that came out NaN is
    /// written as such (as evaluate writes it), not lost with the worker that failed to write it.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Writes the findings, then the map; returns the map's SHA-256.</summary>
    /// <param name="path">The map's file (.nii.gz).</param>
    /// <param name="onScan">The map on the scan's grid.</param>
    /// <param name="findings">The item's findings, its key among them.</param>
    public static string Write(string path, MedicalImage onScan, ItemFindings findings)
    {
        ArgumentNullException.ThrowIfNull(onScan);
        ArgumentNullException.ThrowIfNull(findings);
        AtomicFile.WriteAllText(FindingsPath(path), JsonSerializer.Serialize(findings, Json));
        NiftiWriter.Write(path, onScan, description: Mark + findings.Key);
        return BatchJob.Hash(File.ReadAllBytes(path));
    }

    /// <summary>The findings file beside a map: NAME.json for NAME.nii.gz.</summary>
    /// <param name="path">The map's file.</param>
    public static string FindingsPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return (path.EndsWith(".nii.gz", StringComparison.Ordinal) ? path[..^".nii.gz".Length] : Path.ChangeExtension(path, null)) + ".json";
    }

    /// <summary>The findings of the item with <paramref name="key"/> when its outputs are whole and in place (written by a
    /// worker that died before it could mark the item done); else null.</summary>
    /// <param name="path">The map's file.</param>
    /// <param name="key">The item's key.</param>
    public static ItemFindings? Adoptable(string path, string key)
    {
        if (!File.Exists(path) || !File.Exists(FindingsPath(path)))
        {
            return null;
        }

        try
        {
            ItemFindings? findings = JsonSerializer.Deserialize<ItemFindings>(BoundedFile.ReadUtf8(FindingsPath(path), 16 << 20, "batch findings"), Json);
            return NiftiReader.ReadHeader(path).Description == Mark + key && findings?.Key == key ? findings : null;
        }
        catch (Exception e) when (e is MedExplainInputException or InvalidDataException or IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Deletes what workers killed mid-write left (temporary files never renamed into place).</summary>
    /// <param name="folder">The job's output folder.</param>
    /// <returns>How many were deleted.</returns>
    public static int DeleteLeftovers(string folder)
    {
        string maps = Path.Combine(folder, "maps");
        if (!Directory.Exists(maps))
        {
            return 0;
        }

        string[] partial = Directory.GetFiles(maps, "*.partial");
        foreach (string file in partial)
        {
            File.Delete(file);
        }

        return partial.Length;
    }
}
