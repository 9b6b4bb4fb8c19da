using System.Text.Json;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>study analyze: exported ratings in, the analysis printed or as JSON; a broken file exits 2 naming its line.</summary>
public sealed class StudyCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Analyze_PrintsMediansTestsAndAgreement_AndTheJsonHoldsTheSame()
    {
        var rng = new Random(2);
        var lines = new List<string> { "rater,case,method,rating" };
        foreach (int rater in Enumerable.Range(1, 3))
        {
            foreach (int c in Enumerable.Range(1, 12))
            {
                lines.Add($"r{rater},c{c},deep-taylor,{Math.Clamp(4 + rng.Next(-1, 2), 1, 5)}");
                lines.Add($"r{rater},c{c},gradient,{Math.Clamp(3 + rng.Next(-1, 2), 1, 5)}");
                lines.Add($"r{rater},c{c},random-control,{Math.Clamp(1 + rng.Next(0, 2), 1, 5)}");
            }
        }

        File.WriteAllLines(_temp.File("ratings.csv"), lines);

        (int code, string output, string error) = CliRunner.Run("study", "analyze", "--ratings", _temp.File("ratings.csv"));
        (int jsonCode, string json, _) = CliRunner.Run("study", "analyze", "--ratings", _temp.File("ratings.csv"), "--json");

        Assert.True(code == 0, error);
        Assert.Equal(0, jsonCode);
        Assert.Contains("108 ratings of 3 methods", output, StringComparison.Ordinal);
        Assert.Contains("Friedman across methods (36 rater-case pairs that rated all)", output, StringComparison.Ordinal);
        Assert.Contains("deep-taylor vs random-control: 36 pairs", output, StringComparison.Ordinal);
        using JsonDocument document = JsonDocument.Parse(json);
        Assert.Equal("deep-taylor", document.RootElement.GetProperty("methods")[0].GetProperty("method").GetString());
        Assert.Equal(3, document.RootElement.GetProperty("agreement").GetProperty("raters").GetInt32());
    }

    [Fact]
    public void AddRater_PrintsAPasswordThatVerifies_AndExportFeedsAnalyze()
    {
        string db = _temp.File("study.db");

        (int code, string output, string error) = CliRunner.Run("study", "add-rater", "--db", db, "--rater", "reader-1");
        (int again, _, string refusal) = CliRunner.Run("study", "add-rater", "--db", db, "--rater", "reader-1");
        CliRunner.Run("study", "add-rater", "--db", db, "--rater", "reader-2");

        Assert.True(code == 0, error);
        Assert.Equal(2, again);
        Assert.Contains("exists already", refusal, StringComparison.Ordinal);
        string password = output.Split('\n')[0].Split("password ")[1].Trim();
        using (var store = MedExplain.Pipelines.Studies.StudyStore.Open(db))
        {
            Assert.True(store.Verify("reader-1", password));
            foreach ((string rater, int c, string method, int score) in new[] { ("reader-1", 1, "lrp", 4), ("reader-1", 1, "gradient", 2), ("reader-1", 1, "control", 1), ("reader-2", 1, "lrp", 5), ("reader-2", 1, "gradient", 3), ("reader-2", 1, "control", 1) })
            {
                store.Rate("maps", new MedExplain.Pipelines.Studies.Rating(rater, $"case-{c}", method, score), DateTimeOffset.UnixEpoch);
            }

            store.SaveDrawing("maps", "reader-2", "case/1", [31, 139, 8], DateTimeOffset.UnixEpoch);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        (int exportCode, string exported, _) = CliRunner.Run("study", "export", "--db", db, "--study", "maps", "--out", _temp.File("maps.csv"), "--drawings", _temp.File("drawings"));
        Assert.Equal(new byte[] { 31, 139, 8 }, File.ReadAllBytes(_temp.File("drawings/reader-2/case_1.nii.gz")));
        Assert.Contains("1 drawings", exported, StringComparison.Ordinal);
        (int analyzeCode, string analysis, _) = CliRunner.Run("study", "analyze", "--ratings", _temp.File("maps.csv"));

        Assert.Equal(0, exportCode);
        Assert.Contains("6 ratings of study maps", exported, StringComparison.Ordinal);
        Assert.Equal(0, analyzeCode);
        Assert.Contains("6 ratings of 3 methods", analysis, StringComparison.Ordinal);
        Assert.Contains("Friedman across methods (2 rater-case pairs that rated all)", analysis, StringComparison.Ordinal);
    }

    [Fact]
    public void Benchmark_ScoresEachMapAgainstTheDrawings()
    {
        string scan = RepoPaths.DemoScan("2d/slice-02-tumour.nii.gz").Replace('\\', '/'), mask = RepoPaths.DemoScan("2d/slice-02-tumour-mask.nii.gz").Replace('\\', '/');
        string study = _temp.Write("study.json", $$"""
            { "study": "maps", "scale": { "min": 1, "max": 5 }, "controls": ["the-scan"],
              "cases": [ { "id": "c1", "scan": "{{scan}}", "maps": { "on-the-lesion": "{{mask}}", "the-scan": "{{scan}}" } } ] }
            """);
        string db = _temp.File("study.db");
        using (var store = MedExplain.Pipelines.Studies.StudyStore.Open(db))
        {
            store.AddRater("reader-1", "a long enough password", DateTimeOffset.UnixEpoch);
            store.SaveDrawing("maps", "reader-1", "c1", File.ReadAllBytes(mask), DateTimeOffset.UnixEpoch);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        (int code, string output, string error) = CliRunner.Run("study", "benchmark", "--db", db, "--study", study);

        Assert.True(code == 0, error);
        Assert.Matches(@"on-the-lesion\s+1\s+1\.000\s+1\.000\s+1\.000", output);
        Assert.Contains("the-scan (control)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_ABrokenRatingsFile_ExitsTwoNamingTheLine()
    {
        File.WriteAllText(_temp.File("broken.csv"), "rater,case,method,rating\nr1,c1,m,4\nr1,c2,m,\n");

        (int code, _, string error) = CliRunner.Run("study", "analyze", "--ratings", _temp.File("broken.csv"));

        Assert.Equal(2, code);
        Assert.Contains("broken.csv", error, StringComparison.Ordinal);
        Assert.Contains("line 3", error, StringComparison.Ordinal);
    }
}
