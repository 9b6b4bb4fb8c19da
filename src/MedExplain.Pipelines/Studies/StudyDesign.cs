using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MedExplain.Imaging;

namespace MedExplain.Pipelines.Studies;

/// <summary>A case of a reader study: a scan and the maps of it that raters judge.</summary>
/// <param name="Id">The case's id in the study (shown to raters: never a patient's name).</param>
/// <param name="Scan">The scan's path.</param>
/// <param name="LesionMask">A lesion mask on the scan's grid, or null.</param>
/// <param name="Maps">Each method's (or control's) map of the scan, on the scan's grid, by method name.</param>
public sealed record StudyCase(string Id, string Scan, string? LesionMask, IReadOnlyDictionary<string, string> Maps);

/// <summary>One (case, map) pair a rater judges, named to the rater only by an opaque token.</summary>
/// <param name="Token">The pair's id in pages and requests: it gives away neither the case's maps nor the method.</param>
/// <param name="Case">The case.</param>
/// <param name="Method">The method whose map is shown (hidden from the rater).</param>
public sealed record StudyTrial(string Token, string Case, string Method);

/// <summary>
/// A reader study defined by a file: its cases with the maps to rate, which of the methods are controls (a random map,
/// an edge map, the shuffled-labels model's map), the rating scale and a seed. Each rater gets every (case, map) pair
/// once, in an order of their own drawn from the seed, so a rater who resumes finds the same order and two raters
/// see different ones.
/// </summary>
/// <param name="Study">The study's id.</param>
/// <param name="Seed">The seed of the raters' orders.</param>
/// <param name="ScaleMin">The lowest rating.</param>
/// <param name="ScaleMax">The highest rating.</param>
/// <param name="Cases">The cases.</param>
/// <param name="Controls">The methods that are controls.</param>
public sealed record StudyDesign(string Study, int Seed, int ScaleMin, int ScaleMax, IReadOnlyList<StudyCase> Cases, IReadOnlyList<string> Controls)
{
    /// <summary>Gets every method (controls included) whose maps the study shows, in name order.</summary>
    public IReadOnlyList<string> Methods => [.. Cases.SelectMany(c => c.Maps.Keys).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Reads a study file (JSON: study, seed, scale {min, max}, cases [{id, scan, lesionMask?, maps {method: path}}],
    /// controls [method]); paths are relative to the file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="MedExplainInputException">The file is missing or malformed, or names a file that does not exist.</exception>
    public static StudyDesign Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "file not found.");
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement root = document.RootElement;
            string study = root.GetProperty("study").GetString() ?? string.Empty;
            if (study.Length is 0 or > 64 || !study.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new MedExplainInputException(path, $"names the study \"{study}\": use 1 to 64 letters, digits, '-', '_' or '.'.");
            }

            JsonElement scale = root.GetProperty("scale");
            int min = scale.GetProperty("min").GetInt32(), max = scale.GetProperty("max").GetInt32();
            if (min >= max || max - min > 100)
            {
                throw new MedExplainInputException(path, $"has the scale {min} to {max}: the lowest rating must be below the highest, at most 100 apart.");
            }

            StudyCase[] cases = [.. root.GetProperty("cases").EnumerateArray().Select((c, i) => Case(c, i, folder, path))];
            string? repeated = cases.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1)?.Key;
            if (cases.Length == 0 || repeated is not null)
            {
                throw new MedExplainInputException(path, repeated is null ? "has no cases." : $"has the case \"{repeated}\" twice.");
            }

            string[] controls = root.TryGetProperty("controls", out JsonElement c) ? [.. c.EnumerateArray().Select(e => e.GetString() ?? string.Empty)] : [];
            var design = new StudyDesign(study, root.TryGetProperty("seed", out JsonElement s) ? s.GetInt32() : 0, min, max, cases, controls);
            string[] unknown = [.. controls.Except(design.Methods)];
            return unknown.Length == 0 ? design : throw new MedExplainInputException(path, $"names the controls {string.Join(", ", unknown)}, which no case has a map of.");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new MedExplainInputException(path, $"is not a study file ({e.Message}); see docs/studies.md for its fields.");
        }
    }

    /// <summary>The rater's pairs in their own order: every (case, map) once, shuffled by a seed drawn from the study's
    /// seed and the rater's id, so the same rater always gets the same order.</summary>
    /// <param name="rater">The rater's id.</param>
    public IReadOnlyList<StudyTrial> Trials(string rater)
    {
        ArgumentNullException.ThrowIfNull(rater);
        StudyTrial[] trials = [.. Cases.SelectMany(c => c.Maps.Keys.Order(StringComparer.Ordinal).Select(m => new StudyTrial(Token(rater, c.Id, m), c.Id, m)))];
        new Random(BitConverter.ToInt32(Hash($"order\n{Study}\n{Seed}\n{rater}"), 0)).Shuffle(trials);
        return trials;
    }

    /// <summary>The rater's pair with this token, or null (a token of another rater, or none).</summary>
    /// <param name="rater">The rater's id.</param>
    /// <param name="token">The token from a page or request.</param>
    public StudyTrial? Trial(string rater, string token) => Trials(rater).FirstOrDefault(t => t.Token == token);

    private string Token(string rater, string caseId, string method) => Convert.ToHexStringLower(Hash($"trial\n{Study}\n{Seed}\n{rater}\n{caseId}\n{method}"))[..20];

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    private static StudyCase Case(JsonElement c, int index, string folder, string path)
    {
        string id = c.GetProperty("id").GetString() ?? string.Empty;
        if (id.Trim().Length == 0)
        {
            throw new MedExplainInputException(path, $"case {index} has no id.");
        }

        string Resolve(string relative, string what) => File.Exists(Path.Combine(folder, relative))
            ? Path.Combine(folder, relative)
            : throw new MedExplainInputException(path, $"case \"{id}\": its {what} {relative} does not exist.");
        var maps = c.GetProperty("maps").EnumerateObject().ToDictionary(p => p.Name, p => Resolve(p.Value.GetString() ?? string.Empty, $"{p.Name} map"));
        if (maps.Count == 0)
        {
            throw new MedExplainInputException(path, $"case \"{id}\" has no maps to rate.");
        }

        var studyCase = new StudyCase(id, Resolve(c.GetProperty("scan").GetString() ?? string.Empty, "scan"), c.TryGetProperty("lesionMask", out JsonElement m) ? Resolve(m.GetString() ?? string.Empty, "lesion mask") : null, maps);
        CheckGrids(studyCase, path);
        return studyCase;
    }

    /// <summary>Every map and mask must lie on the scan's own grid (same voxels, same placement): a map drawn on another
    /// grid would put the evidence in the wrong place.</summary>
    private static void CheckGrids(StudyCase studyCase, string path)
    {
        MedicalImage scan = MedicalImageReader.Read(studyCase.Scan);
        foreach ((string what, string file) in studyCase.Maps.Select(p => ($"{p.Key} map", p.Value)).Concat(studyCase.LesionMask is { } mask ? [("lesion mask", mask)] : []))
        {
            MedicalImage other = MedicalImageReader.Read(file);
            if (!other.IsOnGridOf(scan))
            {
                throw new MedExplainInputException(path, $"case \"{studyCase.Id}\": its {what} is not on the scan's grid ({string.Join("×", other.Dims)} against {string.Join("×", scan.Dims)}, or placed elsewhere); write maps with explain, which puts them on the scan's voxels.");
            }
        }
    }
}
