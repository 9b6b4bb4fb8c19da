using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>evaluate writes one row per scan, method and metric, and a table of means.</summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void WritesCsvJsonAndATableForTheDemoScans()
    {
        (int code, string output, string error) = CliRunner.Run("evaluate", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "--data", RepoPaths.DemoScan("2d"),
            "--methods", "gradient,grad-cam", "--metrics", "completeness,deletion,relevance-mass", "--max-items", "4", "--out", _temp.Path);

        Assert.True(code == 0, error);
        string[] lines = File.ReadAllLines(_temp.File("metrics.csv"));
        Assert.Equal("scan,method,metric,value", lines[0]);
        Assert.Equal(1 + (4 * 2 * 3), lines.Length); // every scan of the first four has a mask file, so every metric applies
        Assert.Contains("grad-cam", output, StringComparison.Ordinal);
        Assert.True(File.Exists(_temp.File("metrics.json")));
    }

    [Fact]
    public void AnUnknownMetricExitsWithCode2()
    {
        (int code, _, string error) = CliRunner.Run("evaluate", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "--data", RepoPaths.DemoScan("2d"), "--metrics", "beauty", "--out", _temp.Path);

        Assert.Equal(2, code);
        Assert.Contains("completeness", error, StringComparison.Ordinal);
    }
}
