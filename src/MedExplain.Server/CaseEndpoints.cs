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
        CasePage.MapFiles(app, "/cases/{number:int}", context => Find(context) is { } c ? (c.Case, c.Folder) : null, volumes);
        app.MapGet("/cases/{number:int}/report", (HttpContext context) => Find(context) is { } c && File.Exists(Path.Combine(c.Folder, "report.html"))
            ? Results.File(Path.Combine(c.Folder, "report.html"), "text/html; charset=utf-8")
            : Results.NotFound());
    }

    private ServedCase? Find(HttpContext context) => int.TryParse(context.Request.RouteValues["number"]?.ToString(), out int number) ? catalog.Find(number) : null;

    private IResult List(HttpContext context)
    {
        if (catalog.Cases.Count == 0)
        {
            return Html.Page("Cases", "<p>No explain output folder is served: start the server with <code>--cases FOLDER</code>.</p>", Forms.SignOut(context));
        }

        var rows = catalog.Cases.Select((c, i) => $"""
            <tr><td><a href="/cases/{i}">{Html.Text(c.Case.Id)}</a></td><td>{Html.Text(c.Case.Model)}</td><td>{Html.Text(c.Case.Prediction)}</td>
            <td class="number">{CasePage.Probability(c.Case.Probability)}</td><td>{Html.Text(string.Join(", ", c.Case.Maps.Select(m => m.Method)))}</td></tr>
            """);
        string body = $"""
            <table class="cases"><thead><tr><th>Scan</th><th>Model</th><th>Prediction</th><th>Probability</th><th>Maps</th></tr></thead>
            <tbody>{string.Concat(rows)}</tbody></table>
            """;
        return Html.Page("Cases", body, Forms.SignOut(context));
    }

    private IResult View(int number, HttpContext context) => catalog.Find(number) is { } served
        ? Html.Page(served.Case.Id, CasePage.Body(served.Case, $"/cases/{number}", $"/cases/{number}/report") + "<p><a href=\"/cases\">All cases</a></p>", Forms.SignOut(context), CasePage.Scripts)
        : Results.NotFound();
}
