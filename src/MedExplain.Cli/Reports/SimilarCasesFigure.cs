using System.Globalization;
using MedExplain.Imaging.Rendering;
using MedExplain.Pipelines.Cases;
using SkiaSharp;

namespace MedExplain.Cli.Reports;

/// <summary>The similar-cases figure: one row per case, the query with where it is like the case, the case, and the case
/// with where it is like the query; one colour scale for every map, so rows compare.</summary>
internal static class SimilarCasesFigure
{
    private const int TileSize = 192;

    /// <summary>What the maps are: the exact split of the cosine, or occlusion.</summary>
    public static string Caption(SimilarCasesResult found) => found.MapsByOcclusion
        ? "Each map is how much the cosine similarity drops when each window of the scan is blanked (occlusion: the layer has no positions to split it over)."
        : "Each map is the cosine similarity split over the layer's positions (it sums to the cosine), upsampled onto the scan.";

    public static PanelFigure Of(SimilarCasesResult found)
    {
        float[][] maps = [.. found.Cases.SelectMany(c => c.CaseMap is null ? [c.QueryMap] : new[] { c.QueryMap, c.CaseMap })];
        var scale = ColourScale.Of(maps, carriesSign: maps.Any(m => m.Any(v => v < 0)));
        var figure = new PanelFigure($"cases most like {Path.GetFileName(found.Query.Scan.Metadata.Source.TrimEnd('/', '\\'))} ({scale.Range})", ["query: like this case", "the case", "case: like the query"]);
        var queryRenderer = new MapRenderer(found.Query.Scan, null, TileSize);
        var caseNotes = new HashSet<string>(StringComparer.Ordinal);
        foreach (SimilarCase c in found.Cases)
        {
            var tiles = new List<SKBitmap> { queryRenderer.RenderMap(c.QueryMap, scale, queryRenderer.Focus(c.QueryMap), [Plane.Axial]) };
            if (c.Scan is { } other && c.CaseMap is { } caseMap)
            {
                var renderer = new MapRenderer(other, null, TileSize);
                caseNotes.Add(renderer.ConventionNote);
                (int X, int Y, int Z) at = renderer.Focus(caseMap);
                tiles.Add(renderer.RenderScan(at, [Plane.Axial]));
                tiles.Add(renderer.RenderMap(caseMap, scale, at, [Plane.Axial]));
            }

            figure.AddRow(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(c.Match.Case.Scan)}\n{c.Match.Case.Label ?? "unlabelled"}\ncosine {c.Match.Similarity:0.0000}"), tiles);
        }

        // Each scan is drawn by its own geometry (a NIfTI query has one, a PNG case none): say how for each.
        string queryNote = queryRenderer.ConventionNote;
        figure.Notes.Add(caseNotes.All(n => n == queryNote) ? queryNote : $"Query: {queryNote}");
        foreach (string note in caseNotes.Where(n => n != queryNote))
        {
            figure.Notes.Add($"Cases drawn otherwise: {note}");
        }

        figure.Notes.Add(Caption(found));
        return figure;
    }
}
