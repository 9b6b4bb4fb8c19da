namespace MedExplain;

/// <summary>"Did you mean …?" for a mistyped name: the known name closest in edit distance, when it is close.</summary>
public static class NameSuggestion
{
    /// <summary>" Did you mean 'x'?" for the nearest of <paramref name="known"/>, or an empty string when none is near.</summary>
    /// <param name="given">The name as typed.</param>
    /// <param name="known">The names that exist.</param>
    public static string For(string given, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(given);
        ArgumentNullException.ThrowIfNull(known);
        (string Name, int Distance)? best = known
            .Select(k => (Name: k, Distance: Distance(given.ToLowerInvariant(), k.ToLowerInvariant())))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Cast<(string, int)?>().FirstOrDefault();

        // Near means a third of the name or less: "gradcam" → "grad-cam", but not "magic" → "lime".
        return best is { } b && b.Distance <= Math.Max(1, given.Length / 3) ? $" Did you mean '{b.Name}'?" : string.Empty;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
