using System.Globalization;
using MedExplain.Imaging.Npy;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>The commands' outputs on the demo are those the CLI gave before the use cases moved into the library
/// (tests/TestData/golden, made by the CLI at commit 47f1484): moving code must not change a map or a metric.</summary>
public sealed class GoldenOutputTests
{
    private static readonly string Model2d = RepoPaths.DemoModel("brain-lesion-2d");

    [Fact]
    public void Explain_DemoSlice_GivesTheMapsOfBeforeTheMove()
    {
        using var dir = new TempDirectory();

        (int code, _, string error) = CliRunner.Run("explain", "--model", Model2d, "--input", RepoPaths.DemoScan("2d/slice-02-tumour.nii.gz"),
            "--methods", "gradient,integrated-gradients,smoothgrad,grad-cam,occlusion,lrp,deeplift", "--steps", "16", "--samples", "8", "--out", dir.Path);

        Assert.True(code == 0, error);
        string[] golden = Directory.GetFiles(RepoPaths.TestData("golden/explain"), "*.npy");
        Assert.Equal(7, golden.Length);
        foreach (string expected in golden)
        {
            FloatTensor before = NpyReader.Read(expected), now = NpyReader.Read(Path.Combine(dir.Path, "maps", Path.GetFileName(expected)));
            Assert.Equal(before.Shape, now.Shape);
            Assert.True(Numerics.RelativeL2(now.Data, before.Data) < 1e-5, $"{Path.GetFileName(expected)}: {Numerics.RelativeL2(now.Data, before.Data):E2}");
        }
    }

    [Fact]
    public void Attribute_DemoSlice_GivesTheMapOfBeforeTheMove()
    {
        using var dir = new TempDirectory();
        string output = dir.File("map.npy");

        (int code, _, string error) = CliRunner.Run("attribute", "--model", Model2d, "--input", RepoPaths.DemoScan("2d/slice-03-infarct.png"),
            "--method", "input-x-gradient", "--target", "2", "--output", output);

        Assert.True(code == 0, error);
        Assert.True(Numerics.RelativeL2(NpyReader.Read(output).Data, NpyReader.Read(RepoPaths.TestData("golden/attribute-input-x-gradient.npy")).Data) < 1e-6);
    }

    [Fact]
    public void Evaluate_DemoManifest_GivesTheMetricsOfBeforeTheMove()
    {
        using var dir = new TempDirectory();

        (int code, _, string error) = CliRunner.Run("evaluate", "--model", Model2d, "--data", RepoPaths.DemoScan("manifest.json"),
            "--methods", "gradient,integrated-gradients,smoothgrad",
            "--metrics", "completeness,deletion,insertion,sensitivity-n,pointing-game,relevance-mass,iou,top10-gain,repeatability,randomisation",
            "--steps", "8", "--repeats", "2", "--max-items", "4", "--out", dir.Path);

        Assert.True(code == 0, error);
        Dictionary<string, double> before = Metrics(RepoPaths.TestData("golden/evaluate-metrics.csv")), now = Metrics(Path.Combine(dir.Path, "metrics.csv"));
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), now.Keys.Order(StringComparer.Ordinal));
        foreach ((string key, double value) in before)
        {
            Assert.True(Math.Abs(now[key] - value) <= 1e-5 * Math.Max(1, Math.Abs(value)), $"{key}: {now[key]} was {value}");
        }
    }

    /// <summary>metrics.csv as (scan, method, metric) → value.</summary>
    private static Dictionary<string, double> Metrics(string csv) =>
        File.ReadLines(csv).Skip(1).Select(line => line.Split(','))
            .ToDictionary(f => $"{f[0]},{f[1]},{f[2]}", f => double.Parse(f[3], CultureInfo.InvariantCulture), StringComparer.Ordinal);
}
