using System.Globalization;

namespace MedExplain.Cli.Reports;

/// <summary>Reads a label-to-name table: "LABEL NAME" per line, separated by spaces, a tab or a comma; other columns
/// (AAL's third one, say) and lines that do not start with an integer are ignored.</summary>
internal static class RegionNames
{
    public static Dictionary<int, string> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "file not found.");
        }

        var names = new Dictionary<int, string>();
        foreach (string line in File.ReadLines(path))
        {
            string[] parts = line.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length >= 2 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int label))
            {
                names[label] = parts[1];
            }
        }

        return names.Count > 0 ? names : throw new MedExplainInputException(path, "holds no \"LABEL NAME\" lines.");
    }
}
