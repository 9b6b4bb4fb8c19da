namespace MedExplain.Core.Tests;

/// <summary>Model card texts for tests.</summary>
internal static class CardJson
{
    public static string Minimal(string layout = "NCHW", string spatial = "[2, 2]", int classes = 3, string extra = "") => $$"""
        {
          "schemaVersion": 1,
          "name": "tiny",
          "input": { "layout": "{{layout}}", "channels": 1, "spatialSize": {{spatial}}, "normalization": { "kind": "none" } },
          "classNames": [{{string.Join(", ", Enumerable.Range(0, classes).Select(c => $"\"c{c}\""))}}]{{extra}}
        }
        """;
}
