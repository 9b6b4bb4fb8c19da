using System.Globalization;
using MedExplain.Pipelines.Summaries;
using MedExplain.Pipelines.Viewing;

namespace MedExplain.Server;

/// <summary>The case list and case view of the served explain folders. Requests name a case by its number and a map by
/// its position in the case's list; every file served is one the case list names, inside its folder.</summary>
internal sealed class CaseEndpoints(CaseCatalog catalog, VolumeCache volumes)
{
    /// <summary>Maps <c>/cases</c> and its files.</summary>
    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/cases", List);
        app.MapGet("/cases/{number:int}", View);
        app.MapGet("/cases/{number:int}/scan.nii.gz", (int number) => Serve(number, c => volumes.Nifti(c.File(c.Case.Scan))));
        app.MapGet("/cases/{number:int}/maps/{map:int}.nii.gz", (int number, int map) =>
            Serve(number, c => map >= 0 && map < c.Case.Maps.Count ? volumes.Nifti(c.File(c.Case.Maps[map].File)) : null));
        app.MapGet("/cases/{number:int}/lesion-outline.nii.gz", (int number) => Serve(number, c => c.Case.LesionMask is { } m ? volumes.Outline(c.File(m)) : null));
        app.MapGet("/cases/{number:int}/atlas-outline.nii.gz", (int number) => Serve(number, c => c.Case.Atlas is { } a ? volumes.Outline(c.File(a)) : null));
        app.MapGet("/cases/{number:int}/report", (int number) => catalog.Find(number) is { } c && File.Exists(Path.Combine(c.Folder, "report.html"))
            ? Results.File(Path.Combine(c.Folder, "report.html"), "text/html; charset=utf-8")
            : Results.NotFound());
    }

    private IResult Serve(int number, Func<ServedCase, byte[]?> bytes) =>
        catalog.Find(number) is { } c && bytes(c) is { } found ? Results.Bytes(found, "application/gzip") : Results.NotFound();

    private IResult List(HttpContext context)
    {
        if (catalog.Cases.Count == 0)
        {
            return Html.Page("Cases", "<p>No explain output folder is served: start the server with <code>--cases FOLDER</code>.</p>", Forms.SignOut(context));
        }

        var rows = catalog.Cases.Select((c, i) => $"""
            <tr><td><a href="/cases/{i}">{Html.Text(c.Case.Id)}</a></td><td>{Html.Text(c.Case.Model)}</td><td>{Html.Text(c.Case.Prediction)}</td>
            <td class="number">{Probability(c.Case.Probability)}</td><td>{Html.Text(string.Join(", ", c.Case.Maps.Select(m => m.Method)))}</td></tr>
            """);
        string body = $"""
            <table class="cases"><thead><tr><th>Scan</th><th>Model</th><th>Prediction</th><th>Probability</th><th>Maps</th></tr></thead>
            <tbody>{string.Concat(rows)}</tbody></table>
            """;
        return Html.Page("Cases", body, Forms.SignOut(context));
    }

    private IResult View(int number, HttpContext context)
    {
        if (catalog.Find(number) is not { } served)
        {
            return Results.NotFound();
        }

        ExplainedCase c = served.Case;
        var config = new
        {
            scan = $"/cases/{number}/scan.nii.gz",
            maps = c.Maps.Select((m, i) => new { label = m.Method, url = $"/cases/{number}/maps/{i}.nii.gz", max = m.Max, diverging = m.Diverging }),
            lesionOutline = c.LesionMask is null ? null : $"/cases/{number}/lesion-outline.nii.gz",
            atlasOutline = c.Atlas is null ? null : $"/cases/{number}/atlas-outline.nii.gz",
        };
        string body = $"""
            <p class="prediction">Model {Html.Text(c.Model)} predicts <strong>{Html.Text(c.Prediction)}</strong> ({Probability(c.Probability)}).</p>
            {(c.Uncertainty is null ? string.Empty : $"<p>Uncertainty: {Html.Text(c.Uncertainty)}</p>")}
            {(c.Summary is null ? string.Empty : $"<p class=\"summary\" id=\"summary\">{Html.Text(c.Summary)}</p>")}
            {Viewer.Markup(config, compare: c.Maps.Count > 1)}
            <p>{(c.LesionMask is null ? string.Empty : "Green outline: the lesion mask. ")}{(c.Atlas is null ? string.Empty : "Blue outlines: the atlas regions. ")}<a href="/cases/{number}/report">The full report</a> · <a href="/cases">All cases</a></p>
            """;
        return Html.Page(c.Id, body, Forms.SignOut(context), "vendor/niivue/niivue.umd.js", "viewer.js");
    }

    /// <summary>A probability as the summaries print it.</summary>
    private static string Probability(double p) => ExplanationSummary.ProbabilityPercent(p).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
