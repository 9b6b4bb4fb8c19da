using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;
using MedExplain.Pipelines.Studies;
using MedExplain.Server;
using Microsoft.AspNetCore.Builder;

namespace MedExplain.Benchmarks;

/// <summary>
/// <c>study-load</c>: R raters rate pairs of a study against the server on loopback for S seconds, each as fast as the
/// server answers (no pause between ratings: the worst case for the database), each opening the pair's page and posting
/// a rating as the browser does. Then every rating the server acknowledged is looked up in the database: none may be
/// lost and none duplicated, and each must hold the last score its rater gave. Latency percentiles are printed beside
/// the floor of the same run: the same raters fetching a static asset the server holds in memory.
/// </summary>
internal static partial class StudyLoad
{
    public static int Run(int raters, int seconds)
    {
        string folder = Directory.CreateTempSubdirectory("medexplain-study-load-").FullName;
        try
        {
            return RunIn(folder, raters, seconds).GetAwaiter().GetResult();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<int> RunIn(string folder, int raters, int seconds)
    {
        const string Password = "load test password";
        StudyDesign design = WriteStudy(folder);
        string database = Path.Combine(folder, "study.db");
        using (StudyStore store = StudyStore.Open(database))
        {
            for (int r = 0; r < raters; r++)
            {
                store.AddRater($"rater-{r:00}", Password, DateTimeOffset.UnixEpoch);
            }
        }

        await using WebApplication app = MedExplainServer.Build(new ServerOptions([], database, Path.Combine(folder, "study.json"), Path.Combine(folder, "data")), ["http://127.0.0.1:0"], TimeProvider.System);
        await app.StartAsync();
        string url = app.Urls.First();
        HttpClient[] clients = await Task.WhenAll(Enumerable.Range(0, raters).Select(r => SignIn(url, $"rater-{r:00}", Password)));

        var floor = new ConcurrentBag<double>();
        await Loop(clients, TimeSpan.FromSeconds(Math.Max(5, seconds / 10)), async (client, _) =>
        {
            floor.Add(await Timed(async () => (await client.GetAsync("/assets/site.css")).EnsureSuccessStatusCode()));
        });

        var pages = new ConcurrentBag<double>();
        var posts = new ConcurrentBag<double>();
        var given = new ConcurrentDictionary<(string Rater, string Case, string Method), int>();
        int failures = 0;
        int[] next = new int[raters];
        Random[] randoms = [.. Enumerable.Range(0, raters).Select(r => new Random(r))];
        await Loop(clients, TimeSpan.FromSeconds(seconds), async (client, r) =>
        {
            string rater = $"rater-{r:00}";
            IReadOnlyList<StudyTrial> trials = design.Trials(rater);
            StudyTrial trial = trials[next[r]++ % trials.Count];
            string page = string.Empty;
            pages.Add(await Timed(async () => page = await client.GetStringAsync($"/study/{trial.Token}")));
            int score = randoms[r].Next(design.ScaleMin, design.ScaleMax + 1);
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["score"] = $"{score}", ["__RequestVerificationToken"] = Token(page) });
            HttpStatusCode status = default;
            posts.Add(await Timed(async () =>
            {
                using HttpResponseMessage response = await client.PostAsync($"/study/{trial.Token}/rating", form);
                status = response.StatusCode;
            }));
            if (status == HttpStatusCode.Redirect)
            {
                given[(rater, trial.Case, trial.Method)] = score;
            }
            else
            {
                Interlocked.Increment(ref failures);
            }
        });

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        IReadOnlyList<Rating> stored;
        using (StudyStore store = StudyStore.Open(database))
        {
            stored = store.Ratings(design.Study);
        }

        int lost = given.Count(g => !stored.Any(s => (s.Rater, s.Case, s.Method) == g.Key && s.Score == g.Value));
        int duplicated = stored.Count - stored.Select(s => (s.Rater, s.Case, s.Method)).Distinct().Count();
        int unexpected = stored.Count(s => !given.ContainsKey((s.Rater, s.Case, s.Method)));
        Console.WriteLine($"study-load: {raters} raters for {seconds} s on loopback, {Environment.ProcessorCount} cores, server and raters in one process");
        Console.WriteLine($"  ratings posted {posts.Count} ({posts.Count / (double)seconds:0.0}/s), refused {failures}; distinct (rater, case, map) {given.Count}; stored {stored.Count}");
        Console.WriteLine($"  lost {lost}, duplicated {duplicated}, stored but never acknowledged {unexpected}");
        Console.WriteLine($"  post rating  p50 {Percentile(posts, 0.50):0.0} ms  p95 {Percentile(posts, 0.95):0.0} ms  p99 {Percentile(posts, 0.99):0.0} ms");
        Console.WriteLine($"  pair page    p50 {Percentile(pages, 0.50):0.0} ms  p95 {Percentile(pages, 0.95):0.0} ms  p99 {Percentile(pages, 0.99):0.0} ms");
        Console.WriteLine($"  floor (static asset) p50 {Percentile(floor, 0.50):0.0} ms  p95 {Percentile(floor, 0.95):0.0} ms; post p95 / floor p95 = {Percentile(posts, 0.95) / Percentile(floor, 0.95):0.0}");
        foreach (HttpClient client in clients)
        {
            client.Dispose();
        }

        await app.StopAsync();
        return lost == 0 && duplicated == 0 && unexpected == 0 && failures == 0 ? 0 : 1;
    }

    private static volatile bool s_stop;

    /// <summary>Runs each rater's body concurrently until the time is up.</summary>
    private static async Task Loop(HttpClient[] clients, TimeSpan duration, Func<HttpClient, int, Task> body)
    {
        s_stop = false;
        using var timer = new Timer(_ => s_stop = true, null, duration, Timeout.InfiniteTimeSpan);
        await Task.WhenAll(clients.Select((client, r) => Task.Run(async () =>
        {
            while (!s_stop)
            {
                await body(client, r);
            }
        })));
    }

    private static async Task<double> Timed(Func<Task> request)
    {
        long start = Stopwatch.GetTimestamp();
        await request();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Percentile(IEnumerable<double> values, double p)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    private static async Task<HttpClient> SignIn(string url, string rater, string password)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(url) };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["rater"] = rater, ["password"] = password, ["__RequestVerificationToken"] = Token(await client.GetStringAsync("/signin")) });
        using HttpResponseMessage response = await client.PostAsync("/signin", form);
        return response.StatusCode == HttpStatusCode.Redirect ? client : throw new InvalidOperationException($"{rater} could not sign in");
    }

    private static string Token(string page) => AntiforgeryField().Match(page).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>Three cases of the demo (two slices and a volume), four maps each: 12 pairs per rater.</summary>
    private static StudyDesign WriteStudy(string folder)
    {
        var cases = new List<string>();
        foreach (string scan in new[] { "2d/slice-02-tumour.nii.gz", "2d/slice-03-infarct.nii.gz", "3d/volume-02-tumour.nii.gz" })
        {
            string id = Path.GetFileName(scan).Replace(".nii.gz", string.Empty, StringComparison.Ordinal);
            MedicalImage image = MedicalImageReader.Read(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(DemoModels.Path("brain-lesion-2d")))!, "scans", scan));
            NiftiWriter.Write(Path.Combine(folder, $"{id}.nii.gz"), image);
            var maps = new List<string>();
            for (int m = 0; m < 4; m++)
            {
                var random = new Random(m);
                NiftiWriter.Write(Path.Combine(folder, $"{id}-m{m}.nii.gz"), image.WithVoxels([.. image.Voxels.Select(_ => (float)random.NextDouble())]));
                maps.Add($"\"m{m}\": \"{id}-m{m}.nii.gz\"");
            }

            cases.Add($"{{ \"id\": \"{id}\", \"scan\": \"{id}.nii.gz\", \"maps\": {{ {string.Join(", ", maps)} }} }}");
        }

        File.WriteAllText(Path.Combine(folder, "study.json"), $"{{ \"study\": \"load\", \"seed\": 1, \"scale\": {{ \"min\": 1, \"max\": 5 }}, \"cases\": [ {string.Join(", ", cases)} ] }}");
        return StudyDesign.Load(Path.Combine(folder, "study.json"));
    }
}
