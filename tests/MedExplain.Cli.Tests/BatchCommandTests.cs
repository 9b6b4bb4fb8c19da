using System.Diagnostics;
using MedExplain.TestUtilities;
using Microsoft.Data.Sqlite;

namespace MedExplain.Cli.Tests;

/// <summary>batch run resumes: a second run does nothing, a changed parameter re-runs only its method's items, a deleted
/// output is made again; bad jobs exit 2 naming the problem.</summary>
public sealed class BatchCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [Fact]
    public void Run_Again_ResumesAndRerunsOnlyWhatChanged()
    {
        string[] job = ["batch", "run", "--model", RepoPaths.DemoModel("brain-lesion-2d"), "--data", RepoPaths.DemoScan("2d"), "--methods", "gradient,integrated-gradients", "--out", _temp.File("out"), "--workers", "2"];

        Assert.Contains("batch: 12 items; done before 0", Run([.. job, "--param", "integrated-gradients.steps=8"]), StringComparison.Ordinal);
        DateTime written = File.GetLastWriteTimeUtc(_temp.File("out/maps/slice-01-normal-gradient.nii.gz"));
        Assert.Contains("batch: 12 items; done before 12, adopted 0", Run([.. job, "--param", "integrated-gradients.steps=8"]), StringComparison.Ordinal);
        Assert.Contains("batch: 12 items; done before 6, adopted 0 (written, not yet marked), redone 0 (output missing or changed), superseded 6", Run([.. job, "--param", "integrated-gradients.steps=12"]), StringComparison.Ordinal);
        Assert.Equal(written, File.GetLastWriteTimeUtc(_temp.File("out/maps/slice-01-normal-gradient.nii.gz")));

        File.Delete(_temp.File("out/maps/slice-01-normal-gradient.nii.gz"));
        Assert.Contains("redone 1", Run([.. job, "--param", "integrated-gradients.steps=12"]), StringComparison.Ordinal);
        Assert.True(File.Exists(_temp.File("out/maps/slice-01-normal-gradient.nii.gz")));
        Assert.Equal(12, File.ReadAllLines(_temp.File("out/results.jsonl")).Length);
    }

    [Fact]
    public void Run_WithMetrics_WritesTheEvaluateReportOverTheCohort_AndStatusWritesItAgain()
    {
        string folder = _temp.File("evaluated");
        string output = Run(["batch", "run", "--model", RepoPaths.DemoModel("brain-lesion-2d"), "--data", RepoPaths.DemoScan("2d"), "--methods", "gradient,grad-cam",
            "--metrics", "deletion,pointing-game", "--param", "curve-steps=8", "--out", folder, "--workers", "2"]);

        Assert.Contains("mean over scans:", output, StringComparison.Ordinal);
        Assert.Contains($"report: {Path.Combine(folder, "report.html")}", output, StringComparison.Ordinal);
        // Deletion for each of the 6 scans and 2 methods; the pointing game only where the lesion mask is not empty
        // (the tumour and the infarct, each as NIfTI and PNG).
        string[] rows = File.ReadAllLines(Path.Combine(folder, "metrics.csv"))[1..];
        Assert.Equal((12, 8), (rows.Count(r => r.Contains(",deletion,", StringComparison.Ordinal)), rows.Count(r => r.Contains(",pointing-game,", StringComparison.Ordinal))));
        Assert.Contains("Perturbation curves", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
        Assert.All(File.ReadAllLines(Path.Combine(folder, "results.jsonl")), line => Assert.Contains("\"deletion\":", line, StringComparison.Ordinal));

        File.Delete(Path.Combine(folder, "report.html"));
        (int code, string status, string error) = CliRunner.Run(["batch", "status", "--out", folder, "--report"]);
        Assert.True(code == 0, error);
        Assert.Contains("12 items: 0 pending, 0 leased, 12 done", status, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "report.html")));
    }

    [Fact]
    public void Run_AJobFileAndJobOptionsBoth_ExitsTwo()
    {
        File.WriteAllText(_temp.File("job.json"), "{}");
        (int code, _, string error) = CliRunner.Run(["batch", "run", "--job", _temp.File("job.json"), "--methods", "gradient", "--out", _temp.File("both")]);
        Assert.Equal(2, code);
        Assert.Contains("give --job or --methods, not both", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--methods", "no-such-method", "no-such-method")]
    [InlineData("--metrics", "label-randomisation", "shuffled labels")]
    [InlineData("--param", "steps=many", "steps = many")]
    [InlineData("--param", "depth=3", "depth = 3")]
    public void Run_ABadJob_ExitsTwoNamingTheProblem(string option, string value, string named)
    {
        string[] args = ["batch", "run", "--model", RepoPaths.DemoModel("brain-lesion-2d"), "--data", RepoPaths.DemoScan("2d"), "--out", _temp.File("bad")];
        args = option == "--methods" ? [.. args, "--methods", value] : [.. args, "--methods", "gradient", option, value];
        (int code, _, string error) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    /// <summary>The real command in its own process (it starts its workers as processes).</summary>
    private static string Run(string[] args)
    {
        using Process process = CliRunner.StartProcess(args);
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        return output;
    }
}
