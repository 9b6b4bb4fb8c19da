using System.Globalization;

namespace MedExplain.Imaging.Rendering;

/// <summary>
/// How map values become colours: the diverging map centred on zero for methods whose maps carry a sign, the sequential
/// one for magnitudes (decided by the method, never by one scan's values), full colour at <see cref="Max"/>.
/// One scale is shared by every map it is computed over, so those maps can be compared by eye.
/// </summary>
/// <param name="Max">The |value| shown at full colour (&gt; 0 unless every map is zero).</param>
/// <param name="Diverging">True for signed maps (blue, white, red), false for magnitudes (black to yellow).</param>
public sealed record ColourScale(float Max, bool Diverging)
{
    /// <summary>One scale for several maps: the given percentile of |value| over all of them.</summary>
    /// <param name="maps">The maps that share the scale.</param>
    /// <param name="carriesSign">Whether the method's maps carry a sign.</param>
    /// <param name="percentile">The |value| percentile shown at full colour.</param>
    public static ColourScale Of(IEnumerable<float[]> maps, bool carriesSign, double percentile = Overlay.DefaultPercentile)
    {
        ArgumentNullException.ThrowIfNull(maps);
        float[] all = [.. maps.SelectMany(m => m)];
        return new ColourScale(Overlay.RobustMax(all, percentile), carriesSign);
    }

    /// <summary>Gets the range the colour bar spans, as printed on figures ("−0.012 … +0.012", "0 … 3.4").</summary>
    public string Range => Diverging ? $"−{Number(Max)} … +{Number(Max)}" : $"0 … {Number(Max)}";

    private static string Number(float value) => value.ToString(value is >= 0.01f and < 1000 or 0 ? "0.###" : "0.##E+0", CultureInfo.InvariantCulture);
}
