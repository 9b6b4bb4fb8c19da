using MedExplain.Imaging.Rendering;

namespace MedExplain.Pipelines;

/// <summary>
/// The colour scales of a figure with one column per method: each column's scale spans its maps down the column (so a
/// method's maps compare across scans), and the columns of methods whose voxels add up to the score share one scale
/// (they are in one unit, so their maps compare across methods too). Others keep their own: their units differ.
/// </summary>
/// <param name="Scales">One scale per column.</param>
/// <param name="Note">A sentence naming the columns that share a scale, or null when none do.</param>
public sealed record FigureScales(IReadOnlyList<ColourScale> Scales, string? Note)
{
    /// <summary>The scales for columns of maps, each column one method's maps over the figure's rows.</summary>
    /// <param name="columns">The maps of each column (at least one per column, all of one method).</param>
    public static FigureScales For(IReadOnlyList<IReadOnlyList<MethodMap>> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        int[] shared = [.. Enumerable.Range(0, columns.Count).Where(c => columns[c][0].AddsUpToScore)];
        ColourScale? common = shared.Length > 1 ? ColourScale.Of(shared.SelectMany(c => columns[c].Select(m => m.OnScan)), carriesSign: true) : null;
        ColourScale[] scales = [.. columns.Select((maps, c) => common is not null && shared.Contains(c) ? common : ColourScale.Of(maps.Select(m => m.OnScan), maps[0].CarriesSign))];
        string? note = common is null ? null : $"{string.Join(" and ", shared.Select(c => columns[c][0].Method))} add up to the score: one colour scale for them.";
        return new FigureScales(scales, note);
    }
}
