using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MedExplain.Pipelines.Studies;

/// <summary>One rater's rating of one method's map on one case.</summary>
/// <param name="Rater">Who rated (an id, never a name that identifies a patient).</param>
/// <param name="Case">The case.</param>
/// <param name="Method">The method (or control) whose map was rated.</param>
/// <param name="Score">The rating (a Likert score, say).</param>
public sealed record Rating(string Rater, string Case, string Method, double Score);

/// <summary>Reads ratings exported from a study: CSV with a header naming the columns rater, case, method and rating
/// (in any order; other columns are ignored; fields may be quoted), or a JSON array of objects with those fields.</summary>
public static class RatingsFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The most ratings a file may hold.</summary>
    public const int MaxRatings = 10_000_000;

    private static readonly string[] Columns = ["rater", "case", "method", "rating"];

    /// <summary>Reads the ratings of a file.</summary>
    /// <param name="path">A .csv or .json file.</param>
    /// <exception cref="MedExplainInputException">The file is missing, of another kind, or a line or entry is broken (named with its line or index).</exception>
    public static IReadOnlyList<Rating> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "file not found.");
        }

        List<Rating> ratings = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => ReadCsv(path),
            ".json" => ReadJson(path),
            _ => throw new MedExplainInputException(path, "is neither .csv nor .json: export ratings as one of them."),
        };
        return ratings.Count > 0 ? ratings : throw new MedExplainInputException(path, "holds no ratings.");
    }

    /// <summary>Writes ratings as <see cref="Read"/> reads them: a JSON array of {rater, case, method, rating} when the
    /// name ends in .json, else CSV (rater, case, method, rating; fields quoted where needed).</summary>
    /// <param name="path">The file, replaced whole (written beside it, then moved into place).</param>
    /// <param name="ratings">The ratings.</param>
    public static void Write(string path, IReadOnlyList<Rating> ratings)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(ratings);
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            AtomicFile.WriteAllText(path, JsonSerializer.Serialize(ratings.Select(r => new { rater = r.Rater, @case = r.Case, method = r.Method, rating = r.Score }), Indented));
            return;
        }

        var text = new StringBuilder("rater,case,method,rating\n");
        foreach (Rating r in ratings)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Quote(r.Rater)},{Quote(r.Case)},{Quote(r.Method)},{r.Score.ToString(CultureInfo.InvariantCulture)}\n");
        }

        AtomicFile.WriteAllText(path, text.ToString());
    }

    private static string Quote(string field) => field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;

    private static List<Rating> ReadCsv(string path)
    {
        var ratings = new List<Rating>();
        int[]? at = null;
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            string[] fields = Fields(text, path, line);
            if (at is null)
            {
                at = [.. Columns.Select(c => Array.FindIndex(fields, f => string.Equals(f.Trim(), c, StringComparison.OrdinalIgnoreCase)))];
                if (at.Contains(-1))
                {
                    throw new MedExplainInputException(path, $"line 1 must name the columns {string.Join(", ", Columns)}; it lacks {string.Join(", ", Columns.Where((_, i) => at[i] < 0))}.");
                }

                continue;
            }

            if (at.Max() >= fields.Length)
            {
                throw new MedExplainInputException(path, $"line {line} has {fields.Length} fields; the header names {at.Max() + 1} or more.");
            }

            ratings.Add(Make(fields[at[0]], fields[at[1]], fields[at[2]], fields[at[3]], path, $"line {line}"));
            if (ratings.Count > MaxRatings)
            {
                throw new MedExplainInputException(path, $"holds more than {MaxRatings} ratings.");
            }
        }

        return ratings;
    }

    private static List<Rating> ReadJson(string path)
    {
        // A JSON array is read whole: bound it (about 100 bytes a rating, so far above MaxRatings).
        const long MaxJsonBytes = 1L << 30;
        if (new FileInfo(path).Length > MaxJsonBytes)
        {
            throw new MedExplainInputException(path, $"is larger than {MaxJsonBytes >> 20} MiB; export the ratings as CSV, which is read line by line.");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new MedExplainInputException(path, "must be a JSON array of {rater, case, method, rating} objects.");
            }

            return [.. document.RootElement.EnumerateArray().Take(MaxRatings + 1).Select((e, i) => e.ValueKind == JsonValueKind.Object
                ? Make(Text(e, "rater"), Text(e, "case"), Text(e, "method"), Text(e, "rating"), path, $"entry {i}")
                : throw new MedExplainInputException(path, $"entry {i} is not an object."))];
        }
        catch (JsonException e)
        {
            throw new MedExplainInputException(path, $"is not valid JSON ({e.Message}).");
        }
    }

    private static string Text(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement value)
        ? value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.GetString() ?? string.Empty
        : string.Empty;

    private static Rating Make(string rater, string caseId, string method, string score, string path, string where)
    {
        if (rater.Trim().Length == 0 || caseId.Trim().Length == 0 || method.Trim().Length == 0)
        {
            throw new MedExplainInputException(path, $"{where} lacks a rater, case or method.");
        }

        return double.TryParse(score, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? new Rating(rater.Trim(), caseId.Trim(), method.Trim(), value)
            : throw new MedExplainInputException(path, $"{where} has the rating \"{score}\", not a number.");
    }

    /// <summary>A CSV line's fields: commas separate, double quotes enclose a field that holds commas or quotes ("").</summary>
    private static string[] Fields(string line, string path, int number)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        return quoted ? throw new MedExplainInputException(path, $"line {number} opens a quote it never closes.") : [.. fields, field.ToString()];
    }
}
