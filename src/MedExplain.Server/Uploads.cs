using System.Collections.Concurrent;
using System.Threading.Channels;
using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Pipelines;
using MedExplain.Pipelines.Viewing;

namespace MedExplain.Server;

/// <summary>Where an upload's explanation stands.</summary>
internal sealed class UploadJob
{
    public string Status { get; set; } = "waiting for the explanations before it";

    public double Fraction { get; set; }

    public string? Error { get; set; }
}

/// <summary>
/// Scans a signed-in user uploads, explained on demand by the server's model, one at a time, with progress. An upload
/// lives in the data folder under its owner's account, outside every served folder; only the NIfTI files our writer
/// makes from it are served back, and only to its owner. The uploaded file itself is deleted once read (a DICOM header
/// may name the patient). Sizes and counts are bounded; a full queue is refused, not left to grow.
/// </summary>
internal sealed partial class Uploads(ServerOptions options, VolumeCache volumes, ILogger<Uploads> logger) : BackgroundService
{
    /// <summary>The endings of the formats the readers take as one file.</summary>
    private static readonly string[] Endings = [".nii.gz", ".nii", ".png", ".jpg", ".jpeg", ".npy", ".dcm"];

    private const int QueueLength = 4;

    private readonly Channel<(string Folder, UploadJob Job)> _queue = Channel.CreateBounded<(string, UploadJob)>(QueueLength);
    private readonly ConcurrentDictionary<string, UploadJob> _jobs = new(StringComparer.Ordinal);

    /// <summary>Maps <c>/uploads</c>.</summary>
    public void Map(IEndpointRouteBuilder app)
    {
        const string Id = "{id:length(32)}";
        app.MapGet("/uploads", List);
        app.MapPost("/uploads", (Delegate)Upload);
        app.MapGet($"/uploads/{Id}", View);
        app.MapGet($"/uploads/{Id}/status", (string id, HttpContext context) => _jobs.TryGetValue(Folder(context, id), out UploadJob? job)
            ? Results.Json(new { status = job.Status, fraction = job.Fraction, error = job.Error })
            : File.Exists(Path.Combine(Folder(context, id), CaseList.FileName)) ? Results.Json(new { status = "done", fraction = 1.0, error = (string?)null }) : Results.NotFound());
        app.MapPost($"/uploads/{Id}/delete", (string id, HttpContext context) =>
        {
            string folder = Folder(context, id);
            if (Directory.Exists(folder) && !_jobs.ContainsKey(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            return Results.Redirect("/uploads");
        });
        CasePage.MapFiles(app, $"/uploads/{Id}", context => Done(Folder(context, context.Request.RouteValues["id"]!.ToString()!)), volumes);
    }

    /// <summary>Whether this request may carry an upload (its body limit is the upload limit, not a form's).</summary>
    public static bool IsUpload(HttpRequest request) => HttpMethods.IsPost(request.Method) && request.Path == "/uploads";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach ((string folder, UploadJob job) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            await Task.Run(() => Explain(folder, job), stoppingToken);
        }
    }

    private string Mine(HttpContext context) => Path.Combine(options.DataFolder, "uploads", context.User.Identity!.Name!);

    /// <summary>The upload's folder: only an id this server made (32 hex digits) names one; any other id names a
    /// folder that never exists, so no request path reaches the file system.</summary>
    private string Folder(HttpContext context, string id) =>
        Path.Combine(Mine(context), id.Length == 32 && id.All(char.IsAsciiHexDigitLower) ? id : "none");

    private static (ExplainedCase Case, string Folder)? Done(string folder) =>
        File.Exists(Path.Combine(folder, CaseList.FileName)) ? (CaseList.Read(folder)[0], Path.GetFullPath(folder)) : null;

    private IResult List(HttpContext context)
    {
        string[] folders = Directory.Exists(Mine(context)) ? [.. Directory.GetDirectories(Mine(context)).OrderByDescending(Directory.GetCreationTimeUtc)] : [];
        var rows = folders.Select(f =>
        {
            string id = Path.GetFileName(f);
            string state = _jobs.TryGetValue(f, out UploadJob? job) ? Html.Text(job.Error ?? job.Status) : Done(f) is { } done ? $"{Html.Text(done.Case.Prediction)} ({CasePage.Probability(done.Case.Probability)})" : "failed";
            return $"<tr><td><a href=\"/uploads/{id}\">upload {id[..8]}</a></td><td>{state}</td><td><form method=\"post\" action=\"/uploads/{id}/delete\">{Forms.Field(context)}<button type=\"submit\">Delete</button></form></td></tr>";
        });
        string form = options.Model is null
            ? "<p>Uploads are off: start the server with <code>--model MODEL.onnx</code> to explain uploaded scans.</p>"
            : $"""
              <form method="post" action="/uploads" enctype="multipart/form-data" class="upload">
              {Forms.Field(context)}
              <label>Scan <input type="file" name="scan" required accept="{string.Join(",", Endings)}"></label>
              <button type="submit">Upload and explain</button>
              </form>
              <p class="muted">One file: NIfTI (.nii, .nii.gz), PNG, JPEG, NPY or a single DICOM file, up to {options.MaxUploadBytes / (1024 * 1024)} MB; you may keep {options.MaxUploadsPerRater}.
              The file is kept only until it is read; its explanation is shown to you alone.</p>
              """;
        string body = $"""
            {form}
            {(folders.Length == 0 ? "<p>No uploads yet.</p>" : $"<table class=\"cases\"><thead><tr><th>Upload</th><th>Result</th><th></th></tr></thead><tbody>{string.Concat(rows)}</tbody></table>")}
            """;
        return Html.Page("Your uploads", body, Forms.SignOut(context));
    }

    private async Task<IResult> Upload(HttpContext context)
    {
        if (options.Model is null)
        {
            return Results.NotFound();
        }

        IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form.Files is not [var file] || file.Length == 0 || file.Length > options.MaxUploadBytes)
        {
            return Refused(context, $"send one file of at most {options.MaxUploadBytes / (1024 * 1024)} MB.", StatusCodes.Status413PayloadTooLarge);
        }

        string? ending = Endings.FirstOrDefault(e => file.FileName.EndsWith(e, StringComparison.OrdinalIgnoreCase));
        if (ending is null)
        {
            return Refused(context, $"the file's name ends in none of {string.Join(", ", Endings)}.");
        }

        if (Directory.Exists(Mine(context)) && Directory.GetDirectories(Mine(context)).Length >= options.MaxUploadsPerRater)
        {
            return Refused(context, $"you keep {options.MaxUploadsPerRater} uploads already: delete one first.");
        }

        string folder = Folder(context, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string input = Path.Combine(folder, "upload" + ending);
        await using (FileStream output = File.Create(input))
        {
            await file.CopyToAsync(output, context.RequestAborted);
        }

        try
        {
            MedicalImageReader.Read(input);
        }
        catch (MedExplainInputException e)
        {
            Directory.Delete(folder, recursive: true);
            return Refused(context, $"the file cannot be read: {e.Problem}");
        }

        var job = new UploadJob();
        if (!_queue.Writer.TryWrite((folder, job)))
        {
            Directory.Delete(folder, recursive: true);
            return Refused(context, $"{QueueLength} uploads are waiting already: try again in a few minutes.", StatusCodes.Status503ServiceUnavailable);
        }

        _jobs[folder] = job;
        return Results.Redirect($"/uploads/{Path.GetFileName(folder)}");
    }

    private IResult View(string id, HttpContext context)
    {
        string folder = Folder(context, id);
        if (Done(folder) is { } done)
        {
            return Html.Page($"upload {id[..8]}", CasePage.Body(done.Case, $"/uploads/{id}", report: null) + "<p><a href=\"/uploads\">Your uploads</a></p>", Forms.SignOut(context), CasePage.Scripts);
        }

        if (!_jobs.ContainsKey(folder))
        {
            return Results.NotFound();
        }

        string body = $"""
            {Html.Data("upload-config", new { status = $"/uploads/{id}/status", view = $"/uploads/{id}" })}
            <p>Explaining your scan with {Html.Text(Path.GetFileNameWithoutExtension(options.Model))}: <output id="upload-status">starting</output></p>
            <progress id="upload-progress" max="1" value="0"></progress>
            <p class="error" id="upload-error" hidden></p>
            """;
        return Html.Page($"upload {id[..8]}", body, Forms.SignOut(context), "upload.js");
    }

    private static IResult Refused(HttpContext context, string problem, int status = StatusCodes.Status400BadRequest)
    {
        context.Response.StatusCode = status;
        return Html.Page("Upload refused", $"<p class=\"error\" id=\"upload-refused\">Upload refused: {Html.Text(problem)}</p><p><a href=\"/uploads\">Back to your uploads</a></p>", Forms.SignOut(context));
    }

    private void Explain(string folder, UploadJob job)
    {
        string input = Directory.GetFiles(folder, "upload.*").Single();
        try
        {
            var request = new ExplainRequest(options.Model!, options.Card, input, new ImageReadOptions(), null, null, ClassTarget.Predicted, new AttributionOptions(), null, new Dictionary<string, string>());
            // A failed method's line may hold a server path: the page says only that it failed.
            Explanation explanation = Explainer.Explain(request, line => job.Status = line.Contains(": failed:", StringComparison.Ordinal) ? line[..line.IndexOf(": failed:", StringComparison.Ordinal)] + ": failed" : line, _ => new Progress(job));
            ExplainedCase written = CaseFiles.Write(explanation, folder, $"upload-{Path.GetFileName(folder)[..8]}", FigureScales.For([.. explanation.Maps.Select(m => new[] { m })]).Scales);
            CaseList.Write(folder, [written]);
            _jobs.TryRemove(folder, out _);
        }
        catch (MedExplainInputException e)
        {
            job.Error = $"the scan could not be explained: {e.Problem}";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The log has the exception; the page only that it failed (no path of the server's).
            ExplainingFailed(logger, e);
            job.Error = "the scan could not be explained (the server's log says why).";
        }
        finally
        {
            File.Delete(input);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "explaining an upload failed")]
    private static partial void ExplainingFailed(ILogger logger, Exception error);

    /// <summary>Reports a method's progress to the job: synchronously, so the page sees it at once.</summary>
    private sealed class Progress(UploadJob job) : IProgress<MedExplain.Batching.BatchProgress>
    {
        public void Report(MedExplain.Batching.BatchProgress value) => job.Fraction = value.Fraction;
    }
}
