using System.Net;
using System.Text.RegularExpressions;
using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;
using MedExplain.Pipelines.Studies;
using MedExplain.Pipelines.Viewing;
using MedExplain.TestUtilities;
using Microsoft.AspNetCore.Builder;

namespace MedExplain.Server.Tests;

/// <summary>
/// A server on loopback (real Kestrel) over files made for the test: the demo's tumour slice and brain volume with
/// their lesion masks, and maps whose support is known — relevance on the lesion and exactly zero elsewhere — as an
/// explain output folder and as a study with two raters.
/// </summary>
internal sealed class ServedStudy : IAsyncDisposable
{
    /// <summary>Every map of the study: an honest map and a control; their names must never reach a rater's page.</summary>
    public static readonly string[] Methods = ["lesion-positive", "control-shuffled"];

    public const string Study = "pilot-1";
    public const string Password = "correct horse battery";

    private readonly TempDirectory _temp = new();
    private WebApplication? _app;

    public string Folder => _temp.Path;

    public string Database => _temp.File("study.db");

    public string DataFolder => _temp.File("server-data");

    public string Url { get; private set; } = string.Empty;

    /// <summary>The demo's tumour slice stored left–right mirrored (voxel i runs towards the patient's right, as in
    /// many scanners' files), so a viewer that placed voxels by index instead of by the affine would be caught.</summary>
    public MedicalImage Scan { get; } = Mirrored(MedicalImageReader.Read(RepoPaths.DemoScan("2d/slice-02-tumour.nii.gz")));

    public MedicalImage Lesion { get; } = Mirrored(MedicalImageReader.Read(RepoPaths.DemoScan("2d/slice-02-tumour-mask.nii.gz")));

    public StudyDesign Design { get; private set; } = null!;

    /// <summary>The slice as the server reads it back from its file (the affine in NIfTI's float32).</summary>
    public MedicalImage ScanAsStored => MedicalImageReader.Read(Path.Combine(Folder, "explained/maps/slice-scan.nii.gz"));

    private Func<ServerOptions, ServerOptions> _adjust = o => o;

    /// <summary>Starts a server; <paramref name="adjust"/> changes its options (a model for uploads, smaller limits).</summary>
    public static async Task<ServedStudy> Start(Func<ServerOptions, ServerOptions>? adjust = null)
    {
        var served = new ServedStudy { _adjust = adjust ?? (o => o) };
        served.WriteFiles();
        await served.Restart();
        return served;
    }

    /// <summary>Stops the server, if running, and starts a new one on the same files (as after a crash).</summary>
    public async Task Restart()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _app = MedExplainServer.Build(_adjust(new ServerOptions([_temp.File("explained")], Database, _temp.File("study.json"), DataFolder)), [Url.Length > 0 ? Url : "http://127.0.0.1:0"], TimeProvider.System);
        await _app.StartAsync();
        Url = _app.Urls.First();
    }

    /// <summary>A client with its own cookies that does not follow redirects (so a test sees them).</summary>
    public HttpClient Client(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(Url) };

    /// <summary>Signs in through the form, as a browser does; returns the signed-in client.</summary>
    public async Task<HttpClient> SignIn(string rater, string password = Password)
    {
        HttpClient client = Client();
        string token = AntiforgeryToken(await client.GetStringAsync("/signin"));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["rater"] = rater, ["password"] = password, ["__RequestVerificationToken"] = token, ["returnUrl"] = "/" });
        using HttpResponseMessage response = await client.PostAsync("/signin", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public static string AntiforgeryToken(string page) =>
        Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value is { Length: > 0 } token ? token : throw new InvalidOperationException("the page has no anti-forgery field");

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _temp.Dispose();
    }

    /// <summary>The same picture with its voxels in the other left–right order and the affine that says so.</summary>
    private static MedicalImage Mirrored(MedicalImage image)
    {
        int nx = image.Dims[0];
        float[] voxels = new float[image.Voxels.Length];
        for (int n = 0; n < voxels.Length; n++)
        {
            int i = n % nx;
            voxels[n] = image.Voxels[n - i + (nx - 1 - i)];
        }

        double[] m = [.. image.Affine.RowMajor];
        for (int row = 0; row < 3; row++)
        {
            m[(row * 4) + 3] += m[row * 4] * (nx - 1);
            m[row * 4] = -m[row * 4];
        }

        return new MedicalImage(image.Dims, 1, voxels, new MedExplain.Imaging.Geometry.Affine(m), image.Metadata);
    }

    private void WriteFiles()
    {
        string explained = _temp.File("explained");
        Directory.CreateDirectory(Path.Combine(explained, "maps"));
        float[] onLesion = [.. Lesion.Voxels.Select(v => v > 0 ? 1f : 0f)];
        NiftiWriter.Write(Path.Combine(explained, "maps/slice-scan.nii.gz"), Scan);
        NiftiWriter.Write(Path.Combine(explained, "maps/slice-lesion.nii.gz"), Scan.WithVoxels(onLesion));
        NiftiWriter.Write(Path.Combine(explained, "maps/slice-lesion-positive.nii.gz"), Scan.WithVoxels(onLesion));
        NiftiWriter.Write(Path.Combine(explained, "maps/slice-control-shuffled.nii.gz"), Scan.WithVoxels([.. onLesion.Select(v => -v)]));
        MedicalImage volume = MedicalImageReader.Read(RepoPaths.DemoScan("3d/volume-02-tumour.nii.gz"));
        MedicalImage volumeMask = MedicalImageReader.Read(RepoPaths.DemoScan("3d/volume-02-tumour-mask.nii.gz"));
        NiftiWriter.Write(Path.Combine(explained, "maps/volume-scan.nii.gz"), volume);
        NiftiWriter.Write(Path.Combine(explained, "maps/volume-lesion-positive.nii.gz"), volume.WithVoxels([.. volumeMask.Voxels.Select(v => v > 0 ? 1f : 0f)]));
        NiftiWriter.Write(Path.Combine(explained, "maps/volume-zero.nii.gz"), volume.WithVoxels(new float[volume.VoxelsPerChannel]));
        CaseList.Write(explained,
        [
            new ExplainedCase("slice", "maps/slice-scan.nii.gz", "maps/slice-lesion.nii.gz", null, "test-model", "tumour", 0.93, "A summary.",
                [new ExplainedMap("lesion-positive", "maps/slice-lesion-positive.nii.gz", 1, false), new ExplainedMap("control-shuffled", "maps/slice-control-shuffled.nii.gz", 1, true)]),
            new ExplainedCase("volume", "maps/volume-scan.nii.gz", null, null, "test-model", "tumour", 0.8, null,
                [new ExplainedMap("lesion-positive", "maps/volume-lesion-positive.nii.gz", 1, false), new ExplainedMap("zero", "maps/volume-zero.nii.gz", 0, true)]),
        ]);
        _temp.Write("study.json", $$"""
            {
              "study": "{{Study}}", "seed": 7, "scale": { "min": 1, "max": 5 },
              "controls": ["control-shuffled"],
              "cases": [
                { "id": "case-a", "scan": "explained/maps/slice-scan.nii.gz", "lesionMask": "explained/maps/slice-lesion.nii.gz",
                  "maps": { "lesion-positive": "explained/maps/slice-lesion-positive.nii.gz", "control-shuffled": "explained/maps/slice-control-shuffled.nii.gz" } },
                { "id": "case-b", "scan": "explained/maps/volume-scan.nii.gz",
                  "maps": { "lesion-positive": "explained/maps/volume-lesion-positive.nii.gz" } }
              ]
            }
            """);
        Design = StudyDesign.Load(_temp.File("study.json"));
        using StudyStore store = StudyStore.Open(Database);
        store.AddRater("r1", Password, DateTimeOffset.UnixEpoch);
        store.AddRater("r2", Password, DateTimeOffset.UnixEpoch);
        store.AddRater("lead", Password, DateTimeOffset.UnixEpoch, coordinator: true);
    }
}
