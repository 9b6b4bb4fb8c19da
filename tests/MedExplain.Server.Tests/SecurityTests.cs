using System.Net;
using System.Net.Http.Headers;
using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;
using MedExplain.Pipelines.Studies;

namespace MedExplain.Server.Tests;

/// <summary>What a server on the hospital network must refuse: pages and images without a sign-in, posts from other
/// sites, another rater's pairs, paths out of the served folders, drawings too large or off the scan's grid.</summary>
public sealed class SecurityTests : IAsyncLifetime
{
    private ServedStudy _served = null!;

    public async Task InitializeAsync() => _served = await ServedStudy.Start();

    public async Task DisposeAsync() => await _served.DisposeAsync();

    [Theory]
    [InlineData("/cases")]
    [InlineData("/cases/0")]
    [InlineData("/cases/0/scan.nii.gz")]
    [InlineData("/cases/0/maps/0.nii.gz")]
    [InlineData("/cases/0/report")]
    [InlineData("/study")]
    public async Task PagesAndImages_WithoutSignIn_RedirectToSignIn(string path)
    {
        using HttpClient client = _served.Client();
        using HttpResponseMessage response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WrongPasswordOrUnknownRater_IsRefusedAlike()
    {
        foreach ((string rater, string password) in new[] { ("r1", "not the password"), ("nobody", ServedStudy.Password) })
        {
            using HttpClient client = _served.Client();
            string token = ServedStudy.AntiforgeryToken(await client.GetStringAsync("/signin"));
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["rater"] = rater, ["password"] = password, ["__RequestVerificationToken"] = token });
            using HttpResponseMessage response = await client.PostAsync("/signin", form);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("do not match an account", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using HttpResponseMessage cases = await client.GetAsync("/cases");
            Assert.Equal(HttpStatusCode.Redirect, cases.StatusCode);
        }
    }

    [Fact]
    public async Task SignIn_MoreTriesAMinuteThanAllowed_AreRefusedBeforeAnyPasswordIsHashed()
    {
        await using ServedStudy limited = await ServedStudy.Start(o => o with { SignInsPerMinute = 3 });
        var statuses = new List<HttpStatusCode>();
        for (int attempt = 0; attempt < 5; attempt++)
        {
            using HttpClient client = limited.Client();
            string token = ServedStudy.AntiforgeryToken(await client.GetStringAsync("/signin"));
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["rater"] = "r1", ["password"] = $"guess {attempt}", ["__RequestVerificationToken"] = token });
            using HttpResponseMessage response = await client.PostAsync("/signin", form);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task SignIn_ReturnAddressOnAnotherSite_GoesHomeInstead()
    {
        using HttpClient client = _served.Client();
        string token = ServedStudy.AntiforgeryToken(await client.GetStringAsync("/signin"));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["rater"] = "r1", ["password"] = ServedStudy.Password, ["__RequestVerificationToken"] = token, ["returnUrl"] = "//evil.example/phish" });
        using HttpResponseMessage response = await client.PostAsync("/signin", form);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Rating_PostedWithoutAntiforgeryToken_IsRefusedAndNotStored()
    {
        using HttpClient client = await _served.SignIn("r1");
        StudyTrial trial = _served.Design.Trials("r1")[0];
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["score"] = "4" });
        using HttpResponseMessage response = await client.PostAsync($"/study/{trial.Token}/rating", form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using StudyStore store = StudyStore.Open(_served.Database);
        Assert.Empty(store.Ratings(ServedStudy.Study));
    }

    [Fact]
    public async Task AnotherRatersPair_IsNotFound_AndTheirRatingsAndDrawingsStayHidden()
    {
        using HttpClient first = await _served.SignIn("r1");
        StudyTrial theirs = _served.Design.Trials("r2")[0];
        foreach (string path in new[] { "", "/scan.nii.gz", "/map.nii.gz", "/drawing.nii.gz" })
        {
            using HttpResponseMessage response = await first.GetAsync($"/study/{theirs.Token}{path}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using (StudyStore store = StudyStore.Open(_served.Database))
        {
            store.Rate(ServedStudy.Study, new Rating("r2", theirs.Case, theirs.Method, 5), DateTimeOffset.UnixEpoch);
        }

        // r1's own pair of the same case and map shows no rating: r2's is theirs alone.
        StudyTrial mine = _served.Design.Trials("r1").First(t => t.Case == theirs.Case && t.Method == theirs.Method);
        Assert.DoesNotContain("Saved:", await first.GetStringAsync($"/study/{mine.Token}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analysis_IsForCoordinatorsOnly_AndShowsRatingsAndTheHumanBenchmark()
    {
        using (StudyStore store = StudyStore.Open(_served.Database))
        {
            foreach ((string who, string method, int score) in new[] { ("r1", "lesion-positive", 5), ("r1", "control-shuffled", 1), ("r2", "lesion-positive", 4), ("r2", "control-shuffled", 2) })
            {
                store.Rate(ServedStudy.Study, new Rating(who, "case-a", method, score), DateTimeOffset.UnixEpoch);
            }

            MedicalImage scan = _served.ScanAsStored;
            store.SaveDrawing(ServedStudy.Study, "r1", "case-a", MedExplain.Server.VolumeCache.Gzipped(scan.WithVoxels(_served.Lesion.Voxels), MedExplain.Imaging.Samples.SampleType.UInt8), DateTimeOffset.UnixEpoch);
        }

        using HttpClient rater = await _served.SignIn("r1");
        using HttpResponseMessage refused = await rater.GetAsync("/study/analysis");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("/study/analysis", await rater.GetStringAsync("/study"), StringComparison.Ordinal);

        using HttpClient lead = await _served.SignIn("lead");
        string page = await lead.GetStringAsync("/study/analysis");
        Assert.Contains("4 ratings of 2 methods", page, StringComparison.Ordinal);
        Assert.Contains("control-shuffled (control)", page, StringComparison.Ordinal);
        // The honest map lies on the lesion the drawing marks; the control's is negative there.
        Assert.Matches("<td>lesion-positive</td><td class=\"number\">1</td><td class=\"number\">1</td><td class=\"number\">1</td>", page);
    }

    [Theory]
    [InlineData("/assets/..%2f..%2fstudy.db")]
    [InlineData("/assets/%2e%2e/%2e%2e/study.json")]
    [InlineData("/assets/vendor/../../../study.db")]
    [InlineData("/cases/0/maps/..%2f..%2fstudy.db")]
    [InlineData("/cases/0/maps/-1.nii.gz")]
    [InlineData("/cases/99/scan.nii.gz")]
    [InlineData("/study/..%2f..%2fstudy.db")]
    public async Task PathsOutOfTheServedFiles_AreNotFound(string path)
    {
        using HttpClient client = await _served.SignIn("r1");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_served.Url + path, UriKind.Absolute));
        using HttpResponseMessage response = await client.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {response.StatusCode}");
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        Assert.DoesNotContain("SQLite format", System.Text.Encoding.ASCII.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drawing_LargerThanTheScanCouldNeed_IsRefusedBeforeItIsRead()
    {
        using HttpClient client = await _served.SignIn("r1");
        StudyTrial trial = _served.Design.Trials("r1").First(t => t.Case == "case-a");
        string token = ServedStudy.AntiforgeryToken(await client.GetStringAsync($"/study/{trial.Token}"));
        using var content = new ByteArrayContent(new byte[(_served.Scan.VoxelsPerChannel * 4) + 70_000]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/study/{trial.Token}/drawing") { Content = content };
        request.Headers.Add("RequestVerificationToken", token);
        using HttpResponseMessage response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Drawing_OnAnotherGrid_IsRefused_AndOnTheScansGrid_IsStoredWithTheScansHeader()
    {
        using HttpClient client = await _served.SignIn("r1");
        StudyTrial trial = _served.Design.Trials("r1").First(t => t.Case == "case-a");
        string token = ServedStudy.AntiforgeryToken(await client.GetStringAsync($"/study/{trial.Token}"));
        MedicalImage scan = _served.Scan;
        MedicalImage shifted = new(scan.Dims, 1, new float[scan.VoxelsPerChannel], new MedExplain.Imaging.Geometry.Affine([.. scan.Affine.RowMajor.Select((v, i) => i == 3 ? v + 5 : v)]), scan.Metadata);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(shifted)).StatusCode);

        float[] mark = new float[scan.VoxelsPerChannel];
        mark[scan.Index(40, 50, 0)] = 1;
        using HttpResponseMessage stored = await Post(scan.WithVoxels(mark));
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        using StudyStore store = StudyStore.Open(_served.Database);
        (_, _, byte[] nifti) = Assert.Single(store.Drawings(ServedStudy.Study, "r1", "case-a"));
        string file = Path.Combine(_served.Folder, "drawing.nii.gz");
        File.WriteAllBytes(file, nifti);
        MedicalImage drawing = MedicalImageReader.Read(file);
        Assert.Equal(scan.Dims, drawing.Dims);
        Assert.True(drawing.Affine.MaxDifference(_served.ScanAsStored.Affine) == 0);
        Assert.Equal([scan.Index(40, 50, 0)], drawing.Voxels.Select((v, i) => (v, i)).Where(p => p.v > 0).Select(p => p.i));

        async Task<HttpResponseMessage> Post(MedicalImage image)
        {
            using var bytes = new MemoryStream();
            NiftiWriter.WriteTo(bytes, image, compress: false);
            using var content = new ByteArrayContent(bytes.ToArray());
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/study/{trial.Token}/drawing") { Content = content };
            request.Headers.Add("RequestVerificationToken", token);
            return await client.SendAsync(request);
        }
    }
}
