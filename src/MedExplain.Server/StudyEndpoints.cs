using MedExplain.Imaging;
using MedExplain.Imaging.Rendering;
using MedExplain.Imaging.Samples;
using MedExplain.Pipelines.Studies;
using Microsoft.AspNetCore.Http.Features;

namespace MedExplain.Server;

/// <summary>
/// The reader study's pages: each signed-in rater's (scan, map) pairs in their own seeded order, blinded (a pair is named
/// by its opaque token; neither page nor request names the method), a rating per pair and a drawing per case, each
/// committed as given. A token of another rater is not found, so nobody opens another's pairs.
/// </summary>
internal sealed class StudyEndpoints(StudyDesign design, Func<StudyStore> openStore, VolumeCache volumes, TimeProvider clock, string scratch)
{
    /// <summary>Maps the pages under <c>/study</c>.</summary>
    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/study", List);
        app.MapGet("/study/analysis", Analysis);
        app.MapGet("/study/{token}", Pair);
        app.MapGet("/study/{token}/scan.nii.gz", (string token, HttpContext context) =>
            Find(context, token) is { } trial ? Nifti(volumes.Nifti(Case(trial).Scan)) : Results.NotFound());
        app.MapGet("/study/{token}/map.nii.gz", (string token, HttpContext context) =>
            Find(context, token) is { } trial ? Nifti(volumes.Nifti(Case(trial).Maps[trial.Method])) : Results.NotFound());
        app.MapGet("/study/{token}/drawing.nii.gz", (string token, HttpContext context) =>
        {
            if (Find(context, token) is not { } trial)
            {
                return Results.NotFound();
            }

            using StudyStore store = openStore();
            return store.Drawings(design.Study, Rater(context), trial.Case) is [var drawing] ? Nifti(drawing.Nifti) : Results.NotFound();
        });
        app.MapPost("/study/{token}/rating", (Delegate)Rate);
        app.MapPost("/study/{token}/drawing", (Delegate)Draw);
    }

    private static string Rater(HttpContext context) => context.User.Identity!.Name!;

    private static IResult Nifti(byte[] bytes) => Results.Bytes(bytes, "application/gzip");

    private StudyTrial? Find(HttpContext context, string token) => design.Trial(Rater(context), token);

    private StudyCase Case(StudyTrial trial) => design.Cases.First(c => c.Id == trial.Case);

    private IResult List(HttpContext context)
    {
        string rater = Rater(context);
        IReadOnlyList<StudyTrial> trials = design.Trials(rater);
        HashSet<(string, string)> rated = Rated(rater);
        StudyTrial? next = trials.FirstOrDefault(t => !rated.Contains((t.Case, t.Method)));
        bool coordinator;
        using (StudyStore store = openStore())
        {
            coordinator = store.IsCoordinator(rater);
        }

        var rows = trials.Select((t, i) => $"<li><a href=\"/study/{t.Token}\">Pair {i + 1}</a> · case {Html.Text(t.Case)} · {(rated.Contains((t.Case, t.Method)) ? "rated" : "to rate")}</li>");
        string body = $"""
            <p>You have rated {rated.Count} of {trials.Count} pairs. Each rating is saved the moment you give it: you can stop and come back.</p>
            {(next is null ? "<p>You have rated every pair. Thank you.</p>" : $"<p><a class=\"button\" id=\"continue\" href=\"/study/{next.Token}\">Continue with the next pair</a></p>")}
            <ol class="pairs">{string.Concat(rows)}</ol>
            {(coordinator ? "<p><a href=\"/study/analysis\">The study's analysis</a> (coordinators only)</p>" : string.Empty)}
            """;
        return Html.Page($"Study {design.Study}", body, Forms.SignOut(context));
    }

    private IResult Analysis(HttpContext context)
    {
        using StudyStore store = openStore();
        if (!store.IsCoordinator(Rater(context)))
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        string body = AnalysisPage.Body(design, store.Ratings(design.Study), HumanBenchmark.Of(design, store.Drawings(design.Study)));
        return Html.Page($"Study {design.Study}: analysis", body, Forms.SignOut(context));
    }

    private IResult Pair(string token, HttpContext context)
    {
        if (Find(context, token) is not { } trial)
        {
            return Results.NotFound();
        }

        string rater = Rater(context);
        IReadOnlyList<StudyTrial> trials = design.Trials(rater);
        int index = trials.ToList().FindIndex(t => t.Token == token);
        using StudyStore store = openStore();
        double? given = store.Ratings(design.Study, rater).FirstOrDefault(r => r.Case == trial.Case && r.Method == trial.Method)?.Score;
        ColourScale scale = volumes.Scale(Case(trial).Maps[trial.Method]);
        var config = new
        {
            scan = $"/study/{token}/scan.nii.gz",
            maps = new[] { new { label = "map", url = $"/study/{token}/map.nii.gz", max = scale.Max, diverging = scale.Diverging } },
            drawing = new { load = $"/study/{token}/drawing.nii.gz", save = $"/study/{token}/drawing" },
        };
        string choices = string.Concat(Enumerable.Range(design.ScaleMin, design.ScaleMax - design.ScaleMin + 1).Select(v =>
            $"<label><input type=\"radio\" name=\"score\" value=\"{v}\" required{(given == v ? " checked" : string.Empty)}> {v}</label>"));
        string body = $"""
            <p>Pair {index + 1} of {trials.Count} · case {Html.Text(trial.Case)}. How well does the coloured map show where the evidence for the finding lies?
            {design.ScaleMin} = not at all, {design.ScaleMax} = exactly.</p>
            {Viewer.Markup(config, drawing: true)}
            <form method="post" action="/study/{token}/rating" class="rating" id="rating">
            {Forms.Field(context)}
            <fieldset><legend>Your rating</legend>{choices}</fieldset>
            <button type="submit">Save rating and go on</button>
            {(given is null ? string.Empty : $"<span class=\"saved\" id=\"saved-rating\">Saved: {given}</span>")}
            </form>
            <p><a href="/study">All pairs</a>{(index > 0 ? $" · <a href=\"/study/{trials[index - 1].Token}\">previous pair</a>" : string.Empty)}{(index + 1 < trials.Count ? $" · <a href=\"/study/{trials[index + 1].Token}\">next pair</a>" : string.Empty)}</p>
            """;
        return Html.Page($"Study {design.Study}", body, Forms.SignOut(context), "vendor/niivue/niivue.umd.js", "viewer.js");
    }

    private async Task<IResult> Rate(string token, HttpContext context)
    {
        if (Find(context, token) is not { } trial)
        {
            return Results.NotFound();
        }

        IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (!int.TryParse(form["score"], out int score) || score < design.ScaleMin || score > design.ScaleMax)
        {
            return Results.BadRequest($"score: give a whole number from {design.ScaleMin} to {design.ScaleMax}.");
        }

        string rater = Rater(context);
        using (StudyStore store = openStore())
        {
            store.Rate(design.Study, new Rating(rater, trial.Case, trial.Method, score), clock.GetUtcNow());
        }

        HashSet<(string, string)> rated = Rated(rater);
        StudyTrial? next = design.Trials(rater).FirstOrDefault(t => !rated.Contains((t.Case, t.Method)));
        return Results.Redirect(next is null ? "/study" : $"/study/{next.Token}", permanent: false, preserveMethod: false);
    }

    /// <summary>Keeps the viewer's drawing (NIfTI as the viewer writes it) once it is checked to lie on the scan's grid;
    /// it is stored rewritten by our writer on the scan's own header, as a 0/1 mask.</summary>
    private async Task<IResult> Draw(string token, HttpContext context)
    {
        if (Find(context, token) is not { } trial)
        {
            return Results.NotFound();
        }

        MedicalImage scan = MedicalImageReader.Read(Case(trial).Scan);
        long limit = (scan.VoxelsPerChannel * 4L) + 65_536;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } body)
        {
            body.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength is > 0 and var length && length > limit)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        Directory.CreateDirectory(scratch);
        string file = Path.Combine(scratch, $"{Guid.NewGuid():N}.nii");
        try
        {
            await using (FileStream output = File.Create(file))
            {
                await context.Request.Body.CopyToAsync(output, context.RequestAborted);
            }

            MedicalImage drawn = MedicalImageReader.Read(file);
            if (!drawn.IsOnGridOf(scan))
            {
                return Results.BadRequest($"the drawing is {string.Join("×", drawn.Dims)} voxels, not on the scan's {string.Join("×", scan.Dims)} grid.");
            }

            float[] mask = [.. drawn.Voxels.Select(v => v > 0 ? 1f : 0f)];
            using (StudyStore store = openStore())
            {
                store.SaveDrawing(design.Study, Rater(context), trial.Case, VolumeCache.Gzipped(scan.WithVoxels(mask), SampleType.UInt8), clock.GetUtcNow());
            }

            return Results.Ok(new { voxels = mask.Count(v => v > 0) });
        }
        catch (BadHttpRequestException e)
        {
            return Results.StatusCode(e.StatusCode);
        }
        catch (MedExplainInputException)
        {
            return Results.BadRequest("the drawing is not a NIfTI image.");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private HashSet<(string, string)> Rated(string rater)
    {
        using StudyStore store = openStore();
        return [.. store.Ratings(design.Study, rater).Select(r => (r.Case, r.Method))];
    }
}
