using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedExplain.Pipelines.Viewing;

/// <summary>One method's map of an explained case, as a viewer draws it.</summary>
/// <param name="Method">The method.</param>
/// <param name="File">The map (NIfTI on the scan's grid), relative to the case list's folder.</param>
/// <param name="Max">The |value| shown at full colour: the report's own colour scale, so viewer and figures agree.</param>
/// <param name="Diverging">True when the map carries a sign (negative values get their own colour map).</param>
public sealed record ExplainedMap(string Method, string File, float Max, bool Diverging);

/// <summary>A scan an explanation was written for, with every file a viewer needs, all inside the list's folder.</summary>
/// <param name="Id">The scan's stem in the output (its file name, made unique).</param>
/// <param name="Scan">The scan as NIfTI (first channel), relative to the list's folder.</param>
/// <param name="LesionMask">The lesion mask on the scan's grid, or null.</param>
/// <param name="Atlas">The atlas labels on the scan's grid, or null.</param>
/// <param name="Model">The model's name.</param>
/// <param name="Prediction">The predicted class (for segmentation: the explained region's class).</param>
/// <param name="Probability">Its probability.</param>
/// <param name="Summary">The plain-language summary (with the uncertainty, where it was estimated), or null.</param>
/// <param name="Maps">The maps.</param>
public sealed record ExplainedCase(
    string Id, string Scan, string? LesionMask, string? Atlas, string Model, string Prediction, double Probability,
    string? Summary, IReadOnlyList<ExplainedMap> Maps);

/// <summary>
/// The cases of an explain output folder (<c>cases.json</c>), so a viewer lists them without reading the report. Paths
/// are relative to the folder, and reading refuses any that lead out of it: a viewer serves only what is inside.
/// </summary>
public static class CaseList
{
    /// <summary>The list's file name in an output folder.</summary>
    public const string FileName = "cases.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Writes the list into <paramref name="folder"/>, replacing any earlier one.</summary>
    /// <param name="folder">The output folder.</param>
    /// <param name="cases">The cases, their paths relative to the folder.</param>
    public static void Write(string folder, IReadOnlyList<ExplainedCase> cases)
    {
        ArgumentNullException.ThrowIfNull(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(new Document(cases), Options));
    }

    /// <summary>Reads the list of <paramref name="folder"/>.</summary>
    /// <param name="folder">An explain output folder.</param>
    /// <exception cref="MedExplainInputException">No list, a malformed one, or one naming a file outside the folder or missing.</exception>
    public static IReadOnlyList<ExplainedCase> Read(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new MedExplainInputException(folder, $"has no {FileName}: give a folder that explain or the demo wrote (the demo's is medexplain-demo-output/report).");
        }

        Document? document;
        try
        {
            document = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new MedExplainInputException(path, $"is not a case list ({e.Message}).");
        }

        if (document?.Cases is not { } cases || cases.Any(c => c is null || c.Id is null || c.Scan is null || c.Maps is null))
        {
            throw new MedExplainInputException(path, "is not a case list: each case needs an id, a scan and maps.");
        }

        string root = Path.GetFullPath(folder);
        foreach (ExplainedCase c in cases)
        {
            foreach (string file in new[] { c.Scan, c.LesionMask, c.Atlas }.OfType<string>().Concat(c.Maps.Select(m => m.File)))
            {
                Inside(root, file, path);
            }
        }

        return cases;
    }

    /// <summary>The full path of <paramref name="relative"/> under <paramref name="root"/>; refuses a path that leaves it
    /// (absolute, or through '..') or a file that is missing.</summary>
    /// <param name="root">The folder, full path.</param>
    /// <param name="relative">A path from a case list.</param>
    /// <param name="list">The list, for the error.</param>
    public static string Inside(string root, string relative, string list)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(relative);
        string full = Path.GetFullPath(Path.Combine(root, relative));
        string prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        if (Path.IsPathRooted(relative) || !full.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new MedExplainInputException(list, $"names {relative}, outside its folder: a case list names only files inside it.");
        }

        return File.Exists(full) ? full : throw new MedExplainInputException(list, $"names {relative}, which does not exist.");
    }

    private sealed record Document(IReadOnlyList<ExplainedCase> Cases);
}
