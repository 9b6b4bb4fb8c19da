using System.Globalization;
using MedExplain.Pipelines.Summaries;
using MedExplain.Pipelines.Viewing;

namespace MedExplain.Server;

/// <summary>The view of one explained case — prediction, summary, and the viewer with its maps and outlines — for a
/// served folder's case and for an upload alike; only where its files are served from differs.</summary>
internal static class CasePage
{
    /// <summary>The scripts the page runs.</summary>
    public static readonly string[] Scripts = ["vendor/niivue/niivue.umd.js", "viewer.js"];

    /// <summary>The page's body.</summary>
    /// <param name="c">The case.</param>
    /// <param name="files">Where its files are served: <c>{files}/scan.nii.gz</c>, <c>{files}/maps/{n}.nii.gz</c>, outlines.</param>
    /// <param name="report">The HTML report's address, or null.</param>
    public static string Body(ExplainedCase c, string files, string? report)
    {
        ArgumentNullException.ThrowIfNull(c);
        var config = new
        {
            scan = $"{files}/scan.nii.gz",
            maps = c.Maps.Select((m, i) => new { label = m.Method, url = $"{files}/maps/{i}.nii.gz", max = m.Max, diverging = m.Diverging }),
            lesionOutline = c.LesionMask is null ? null : $"{files}/lesion-outline.nii.gz",
            atlasOutline = c.Atlas is null ? null : $"{files}/atlas-outline.nii.gz",
        };
        return $"""
            <p class="prediction">Model {Html.Text(c.Model)} predicts <strong>{Html.Text(c.Prediction)}</strong> ({Probability(c.Probability)}).</p>
            {(c.Summary is null ? string.Empty : $"<p class=\"summary\" id=\"summary\">{Html.Text(c.Summary)}</p>")}
            {Viewer.Markup(config, compare: c.Maps.Count > 1)}
            <p>{(c.LesionMask is null ? string.Empty : "Green outline: the lesion mask. ")}{(c.Atlas is null ? string.Empty : "Violet outlines: the atlas regions. ")}{(report is null ? string.Empty : $"<a href=\"{report}\">The full report</a>")}</p>
            """;
    }

    /// <summary>A probability as the summaries print it.</summary>
    public static string Probability(double p) => ExplanationSummary.ProbabilityPercent(p).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Maps a case's files under <paramref name="prefix"/>, each found through <paramref name="find"/> (null:
    /// not found), so the caller decides which cases a request may reach.</summary>
    public static void MapFiles(IEndpointRouteBuilder app, string prefix, Func<HttpContext, (ExplainedCase Case, string Folder)?> find, VolumeCache volumes)
    {
        IResult Serve(HttpContext context, Func<ExplainedCase, string?> relative, Func<string, byte[]> bytes) =>
            find(context) is { } found && relative(found.Case) is { } file
                ? Results.Bytes(bytes(CaseList.Inside(found.Folder, file, Path.Combine(found.Folder, CaseList.FileName))), "application/gzip")
                : Results.NotFound();

        app.MapGet($"{prefix}/scan.nii.gz", (HttpContext context) => Serve(context, c => c.Scan, volumes.Nifti));
        app.MapGet($"{prefix}/maps/{{map:int}}.nii.gz", (HttpContext context, int map) => Serve(context, c => map >= 0 && map < c.Maps.Count ? c.Maps[map].File : null, volumes.Nifti));
        app.MapGet($"{prefix}/lesion-outline.nii.gz", (HttpContext context) => Serve(context, c => c.LesionMask, volumes.Outline));
        app.MapGet($"{prefix}/atlas-outline.nii.gz", (HttpContext context) => Serve(context, c => c.Atlas, volumes.Outline));
    }
}
