namespace MedExplain.Metrics;

/// <summary>Deleting a map's most relevant features from an input: the first step of a deletion curve, on its own.</summary>
public static class FeatureDeletion
{
    /// <summary>The input with the values the map ranks highest (ties by index, NaN last, as the deletion curve ranks
    /// them) set to 0, the normalised input's baseline.</summary>
    /// <param name="input">One input's values.</param>
    /// <param name="map">Its map, one value per input value.</param>
    /// <param name="fraction">The share of the values to delete, 0 to 1.</param>
    /// <exception cref="ArgumentException">The map and the input differ in length, or the fraction lies outside 0 to 1.</exception>
    public static float[] Top(ReadOnlySpan<float> input, ReadOnlySpan<float> map, double fraction)
    {
        if (map.Length != input.Length || fraction is < 0 or > 1 || double.IsNaN(fraction))
        {
            throw new ArgumentException($"Need a map of the input's {input.Length} values and a fraction from 0 to 1; got {map.Length} values and {fraction}.", nameof(map));
        }

        int[] order = Ranking.Descending(map);
        float[] deleted = input.ToArray();
        for (int r = 0, count = (int)Math.Round(fraction * deleted.Length); r < count; r++)
        {
            deleted[order[r]] = 0;
        }

        return deleted;
    }
}
