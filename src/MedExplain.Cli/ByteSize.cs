using System.Globalization;

namespace MedExplain.Cli;

/// <summary>Parses memory sizes such as 512MB, 2GB, 1.5GiB or 1000000 (bytes).</summary>
internal static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("KIB", 1L << 10), ("MIB", 1L << 20), ("GIB", 1L << 30), ("TIB", 1L << 40),
        ("KB", 1000L), ("MB", 1000L * 1000), ("GB", 1000L * 1000 * 1000), ("TB", 1000L * 1000 * 1000 * 1000),
        ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("B", 1),
    ];

    public static bool TryParse(string text, out long bytes)
    {
        string upper = text.Trim().ToUpperInvariant();
        long factor = 1;
        foreach ((string suffix, long f) in Units)
        {
            if (upper.EndsWith(suffix, StringComparison.Ordinal))
            {
                upper = upper[..^suffix.Length].TrimEnd();
                factor = f;
                break;
            }
        }

        bool ok = double.TryParse(upper, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && value * factor < long.MaxValue;
        bytes = ok ? (long)(value * factor) : 0;
        return ok && bytes > 0;
    }
}
