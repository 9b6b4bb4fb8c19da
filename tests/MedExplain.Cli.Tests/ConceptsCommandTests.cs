using System.Diagnostics;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>concepts writes its table, JSON, CSVs and report; the same seed gives the same bytes in another process; bad
/// options and names exit 2 saying what is wrong.</summary>
public sealed class ConceptsCommandTests : IDisposable
{
    private const string Stage2 = "/stage2/relu_1/Relu_output_0";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Manifest => Path.Combine(RepoPaths.Demo, "concepts", "concepts.json");

    private static string[] Quick(string output, params string[] extra) =>
        ["concepts", "-m", RepoPaths.DemoModel("shortcut-marker-2d"), "-c", Manifest, "--layers", Stage2, "--target", "lesion", "--pooling", "spatial-mean", "--cav-loss", "hinge", "--random-sets", "4", "--random-size", "20", "-o", output, .. extra];

    [Fact]
    public void WritesTheTableJsonCsvsAndAReportWithChartsAndExamples()
    {
        (int code, string output, string error) = CliRunner.Run(Quick(_temp.Path));

        Assert.True(code == 0, error);
        Assert.Contains("burned-in marker", output, StringComparison.Ordinal);
        Assert.Contains("(random vs random)", output, StringComparison.Ordinal);
        Assert.StartsWith("layer,concept,learnable,score_mean", File.ReadAllText(_temp.File("scores.csv")), StringComparison.Ordinal);
        Assert.StartsWith("layer,measure,r2,", File.ReadAllText(_temp.File("measures.csv")), StringComparison.Ordinal);
        string report = File.ReadAllText(_temp.File("report.html"));
        Assert.Contains("<svg", report, StringComparison.Ordinal);
        Assert.Contains("Entanglement", report, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_temp.Path, "concept-images", "concept-2-1.png")));
        Assert.Contains("\"className\": \"lesion\"", File.ReadAllText(_temp.File("concepts.json")), StringComparison.Ordinal);

        // The saved CAVs score a new scan beside its maps; another model's scan is refused.
        string scan = RepoPaths.DemoScan("shortcut/slice-03-normal-marker.png");
        (int explained, string explainOutput, string explainError) = CliRunner.Run("explain", "-m", RepoPaths.DemoModel("shortcut-marker-2d"), "-i", scan, "--methods", "gradient", "--concepts", _temp.File("cavs.json"), "-o", _temp.File("explain"));
        Assert.True(explained == 0, explainError);
        Assert.Contains("concept burned-in marker at " + Stage2 + ": the lesion logit rises along", explainOutput, StringComparison.Ordinal);
        Assert.Contains("<h3>Concepts</h3>", File.ReadAllText(Path.Combine(_temp.File("explain"), "report.html")), StringComparison.Ordinal);
        (int refused, _, string refusal) = CliRunner.Run("explain", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", scan, "--methods", "gradient", "--concepts", _temp.File("cavs.json"), "-o", _temp.File("explain2"));
        Assert.Equal(2, refused);
        Assert.Contains("another model", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--layers", "/no/such/tensor", "/no/such/tensor")]
    [InlineData("--pooling", "max", "--pooling")]
    [InlineData("--target", "predicted", "--target")]
    [InlineData("--target", "tumour", "tumour")]
    [InlineData("--random-size", "500", "random set size")]
    [InlineData("--cav-loss", "hinge2", "--cav-loss")]
    public void ABadOption_ExitsTwoNamingIt(string option, string value, string expected)
    {
        string[] args = Quick(_temp.Path);
        args[Array.IndexOf(args, option) + 1] = value;

        (int code, _, string error) = CliRunner.Run(args);

        Assert.True(code == 2, error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingManifest_ExitsTwoNamingIt()
    {
        string[] args = Quick(_temp.Path);
        args[Array.IndexOf(args, "-c") + 1] = _temp.File("nowhere.json");

        (int code, _, string error) = CliRunner.Run(args);

        Assert.Equal(2, code);
        Assert.Contains("nowhere.json", error, StringComparison.Ordinal);
    }

    /// <summary>Same seed, two processes: byte-identical JSON; another seed: other random sets, other numbers.</summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void TheSameSeed_GivesByteIdenticalJsonInAnotherProcess()
    {
        string[] runs = ["a", "b", "c"];
        foreach ((string run, string seed) in runs.Zip(["0", "0", "1"]))
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "medexplain.dll"));
            foreach (string arg in Quick(_temp.File(run), "--seed", seed))
            {
                start.ArgumentList.Add(arg);
            }

            using Process process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, error);
        }

        byte[] a = File.ReadAllBytes(Path.Combine(_temp.File("a"), "concepts.json")), b = File.ReadAllBytes(Path.Combine(_temp.File("b"), "concepts.json"));
        Assert.Equal(a, b);
        Assert.NotEqual(a, File.ReadAllBytes(Path.Combine(_temp.File("c"), "concepts.json")));
    }
}
