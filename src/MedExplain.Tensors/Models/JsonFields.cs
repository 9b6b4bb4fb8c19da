using System.Text.Json;

namespace MedExplain.Models;

/// <summary>Typed access to one JSON object's fields, with errors that name the file and the field path.</summary>
internal sealed class JsonFields
{
    private readonly JsonElement _element;
    private readonly string _prefix;

    public JsonFields(string path, JsonElement element, string prefix)
    {
        Path = path;
        _element = element;
        _prefix = prefix;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new MedExplainInputException(path, $"{Describe()} must be a JSON object, not {element.ValueKind.ToString().ToLowerInvariant()}.");
        }
    }

    public string Path { get; }

    public MedExplainInputException Error(string field, string problem) =>
        new(Path, $"model card field \"{_prefix}{field}\" {problem}.");

    public void RejectUnknown(IReadOnlyCollection<string> known)
    {
        foreach (JsonProperty property in _element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                throw Error(property.Name, $"is not part of the schema (expected one of: {string.Join(", ", known)})");
            }
        }
    }

    public string RequiredString(string field) => OptionalString(field) ?? throw Error(field, "is required");

    public string? OptionalString(string field) => Get(field, JsonValueKind.String, "a string")?.GetString();

    public int RequiredInt(string field)
    {
        JsonElement value = Get(field, JsonValueKind.Number, "an integer") ?? throw Error(field, "is required");
        return value.TryGetInt32(out int result) ? result : throw Error(field, "must be an integer");
    }

    public double RequiredDouble(string field) => OptionalDouble(field) ?? throw Error(field, "is required");

    public double? OptionalDouble(string field) => Get(field, JsonValueKind.Number, "a number")?.GetDouble();

    public JsonFields RequiredObject(string field) => OptionalObject(field) ?? throw Error(field, "is required");

    public JsonFields? OptionalObject(string field) =>
        Get(field, JsonValueKind.Object, "an object") is { } value ? new JsonFields(Path, value, $"{_prefix}{field}.") : null;

    public int[] RequiredIntArray(string field)
    {
        JsonElement array = Get(field, JsonValueKind.Array, "an array of integers") ?? throw Error(field, "is required");
        return [.. array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v : throw Error(field, "must hold integers only"))];
    }

    public string[] RequiredStringArray(string field) => OptionalStringArray(field) ?? throw Error(field, "is required");

    public string[]? OptionalStringArray(string field)
    {
        JsonElement? array = Get(field, JsonValueKind.Array, "an array of strings");
        return array is null ? null : [.. array.Value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Error(field, "must hold strings only"))];
    }

    /// <summary>The object's numeric fields; other values (notes, nested objects) are ignored.</summary>
    public IReadOnlyDictionary<string, double> NumbersOnly() =>
        _element.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).ToDictionary(p => p.Name, p => p.Value.GetDouble());

    private JsonElement? Get(string field, JsonValueKind kind, string expected)
    {
        if (!_element.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == kind ? value : throw Error(field, $"must be {expected}, not {value.ValueKind.ToString().ToLowerInvariant()}");
    }

    private string Describe() => _prefix.Length == 0 ? "the model card" : $"model card field \"{_prefix.TrimEnd('.')}\"";
}
