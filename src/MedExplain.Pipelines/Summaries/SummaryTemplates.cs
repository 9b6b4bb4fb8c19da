using System.Text.Json;
using System.Text.RegularExpressions;

namespace MedExplain.Pipelines.Summaries;

/// <summary>
/// The sentences of a plain-language summary, each with named slots ("{percent}% of the positive relevance of {method}
/// lies in the {region}"). The English ones are Summaries/templates-en.json in this library, the one place they are
/// written; a translation is a copy of that file with every sentence translated and every slot kept.
/// </summary>
public sealed partial class SummaryTemplates
{
    private readonly IReadOnlyDictionary<string, string> _sentences;

    private SummaryTemplates(IReadOnlyDictionary<string, string> sentences) => _sentences = sentences;

    /// <summary>Gets the English templates.</summary>
    public static SummaryTemplates English { get; } = FromJson(ReadEnglish(), "the built-in English templates");

    /// <summary>Gets the templates' keys, each naming one sentence or joint.</summary>
    public IEnumerable<string> Keys => _sentences.Keys;

    /// <summary>Reads a translation: a JSON object with the English file's keys, each sentence keeping its slots.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="MedExplainInputException">The file is missing, not such an object, lacks a key or a slot, or has a key or slot of its own.</exception>
    public static SummaryTemplates Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "file not found.");
        }

        SummaryTemplates loaded = FromJson(File.ReadAllText(path), path);
        foreach ((string key, string english) in English._sentences)
        {
            if (!loaded._sentences.TryGetValue(key, out string? translated))
            {
                throw new MedExplainInputException(path, $"lacks the template \"{key}\" (the English one: \"{english}\").");
            }

            string[] want = [.. Slots(english).Order()], have = [.. Slots(translated).Order()];
            if (!want.SequenceEqual(have))
            {
                throw new MedExplainInputException(path, $"template \"{key}\" has the slots {{{string.Join("}, {", have)}}}; it needs exactly {{{string.Join("}, {", want)}}}.");
            }
        }

        string[] unknown = [.. loaded._sentences.Keys.Except(English._sentences.Keys)];
        return unknown.Length == 0 ? loaded : throw new MedExplainInputException(path, $"has templates MedExplain does not write: {string.Join(", ", unknown)}.");
    }

    /// <summary>The sentence <paramref name="key"/> with its slots filled.</summary>
    /// <param name="key">The template.</param>
    /// <param name="values">Each slot's text.</param>
    internal string Fill(string key, params (string Slot, string Text)[] values)
    {
        string text = _sentences[key];
        foreach ((string slot, string value) in values)
        {
            text = text.Replace($"{{{slot}}}", value, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Items joined as a list: "a, b and c".</summary>
    internal string List(IReadOnlyList<string> items) => items.Count <= 1
        ? string.Concat(items)
        : string.Join(_sentences["listSeparator"], items.Take(items.Count - 1)) + _sentences["lastSeparator"] + items[^1];

    private static SummaryTemplates FromJson(string json, string source)
    {
        try
        {
            return new SummaryTemplates(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? throw new JsonException("null"));
        }
        catch (JsonException e)
        {
            throw new MedExplainInputException(source, $"is not a JSON object of template strings ({e.Message}).");
        }
    }

    private static string ReadEnglish()
    {
        using Stream stream = typeof(SummaryTemplates).Assembly.GetManifestResourceStream("MedExplain.Pipelines.summary-templates-en.json")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static IEnumerable<string> Slots(string template) => SlotPattern().Matches(template).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex SlotPattern();
}
