using System.Globalization;

namespace MedExplain.Imaging;

/// <summary>Reads the names of a label map's regions: "LABEL NAME" per line. A line with a tab is split at tabs, so a
/// name may hold spaces ("37&#9;left hippocampus"); other lines split at spaces or commas (AAL's "37 Hippocampus_L 4101").
/// Further columns, and lines that do not start with an integer, are ignored.</summary>
public static class RegionNameTable
{
    /// <summary>The names by label.</summary>
    /// <param name="path">The table.</param>
    /// <exception cref="MedExplainInputException">The file is missing or names no region.</exception>
    public static Dictionary<int, string> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "file not found.");
        }

        var names = new Dictionary<int, string>();
        foreach (string line in File.ReadLines(path))
        {
            char[] separators = line.Contains('\t', StringComparison.Ordinal) ? ['\t'] : [' ', ','];
            string[] parts = line.Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length >= 2 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int label))
            {
                names[label] = parts[1];
            }
        }

        return names.Count > 0 ? names : throw new MedExplainInputException(path, "holds no \"LABEL NAME\" lines.");
    }
}
