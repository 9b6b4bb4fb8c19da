using System.Globalization;
using System.Text.RegularExpressions;
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
        Assert.Equal(1 + (4 * 2 * 2) + (2 * 2), lines.Length); // relevance-mass only for the two of the four with a lesion
        Assert.Contains("grad-cam", output, StringComparison.Ordinal);
        Assert.True(File.Exists(_temp.File("metrics.json")));
    }

    [Fact]
    public void WithTta_SaysHowSureTheModelIsOfEachScanAndHowStableEachMapIs()
    {
        (int code, string output, string error) = CliRunner.Run("evaluate", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "--data", RepoPaths.DemoScan("2d"),
            "--methods", "gradient,grad-cam", "--metrics", "deletion", "--max-items", "3", "--uncertainty", "tta", "--out", _temp.Path);

        Assert.True(code == 0, error);
        Assert.Contains("how sure the model is (test-time augmentation", output, StringComparison.Ordinal);
        Assert.Contains("tta-top-overlap", output, StringComparison.Ordinal);
        string[] overlaps = [.. File.ReadAllLines(_temp.File("metrics.csv")).Where(l => l.Contains(",tta-top-overlap,", StringComparison.Ordinal))];
        Assert.Equal(3 * 2, overlaps.Length);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(_temp.File("metrics.json")));
        Assert.Equal(3, json.RootElement.GetProperty("uncertainty").GetProperty("scans").GetArrayLength());
        string report = File.ReadAllText(_temp.File("report.html"));
        Assert.Contains("How sure the model is", report, StringComparison.Ordinal);
        Assert.Contains("uncertainty:", report, StringComparison.Ordinal);
    }

    [Fact]
    public void AMetricWithoutItsInputIsLeftOutWithANoteSayingWhatItNeeds()
    {
        (int code, _, string error) = CliRunner.Run("evaluate", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "--data", RepoPaths.DemoScan("2d"),
            "--methods", "gradient", "--metrics", "completeness,label-randomisation", "--max-items", "1", "--out", _temp.Path);

        Assert.True(code == 0, error);
        Assert.Contains("label-randomisation needs --shuffled-labels-model", error, StringComparison.Ordinal);
        Assert.DoesNotContain("label-randomisation", File.ReadAllText(_temp.File("metrics.csv")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--steps", "1000000")]
    [InlineData("--steps", "1")]
    [InlineData("--repeats", "0")]
    public void AnOutOfRangeCountExitsWithCode2NamingTheOption(string option, string value)
    {
        (int code, _, string error) = CliRunner.Run("evaluate", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "--data", RepoPaths.DemoScan("2d"), option, value, "--out", _temp.Path);

        Assert.Equal(2, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownMetricExitsWithCode2()
    {
        (int code, _, string error) = CliRunner.Run("evaluate", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "--data", RepoPaths.DemoScan("2d"), "--metrics", "beauty", "--out", _temp.Path);

        Assert.Equal(2, code);
        Assert.Contains("completeness", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AManifestSelectsTheModelsScansWithTheirMasksAndAtlasesAndTheReportPlotsEveryMethod()
    {
        (int code, string output, string error) = CliRunner.Run("evaluate", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "--data", RepoPaths.DemoScan("manifest.json"),
            "--methods", "gradient,smoothgrad", "--metrics", "deletion,insertion,relevance-mass,top10-gain,repeatability,top10-sum-overlap",
            "--steps", "4", "--max-items", "3", "--out", _temp.Path);

        Assert.True(code == 0, error);
        string[] rows = [.. File.ReadAllLines(_temp.File("metrics.csv")).Skip(1)];
        Assert.All(rows, r => Assert.StartsWith("slice-0", r, StringComparison.Ordinal)); // only brain-lesion-2d's samples
        // Masks and atlases come from the manifest (relevance-mass for the two lesion slices), seeds 0 and 1 give repeatability.
        Assert.Equal((3 * 2 * 5) + (2 * 2), rows.Length);
        double Value(string method, string metric) => rows.Select(r => r.Split(',')).Where(p => p[1] == method && p[2] == metric).Average(p => double.Parse(p[3], CultureInfo.InvariantCulture));
        Assert.Equal(0, Value("gradient", "repeatability")); // deterministic: exactly 0
        Assert.True(Value("smoothgrad", "repeatability") > 0, "smoothgrad's noise differs between seeds");
        Assert.Equal(1, Value("gradient", "top10-sum-overlap"));
        string report = File.ReadAllText(_temp.File("report.html"));
        Assert.Equal(2 + 6, Regex.Count(report, "<svg")); // two curve plots, one distribution per metric
        Assert.Contains("relevance-mass", output, StringComparison.Ordinal);
    }

    [Fact]
    public void CurvesByAtlasRegionsNeedAnAtlasForEveryScan()
    {
        string scans = _temp.File("scans");
        Directory.CreateDirectory(scans);
        File.Copy(RepoPaths.DemoScan("2d/slice-02-tumour.png"), Path.Combine(scans, "slice-02-tumour.png"));

        (int code, _, string error) = CliRunner.Run("evaluate", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "--data", scans,
            "--methods", "gradient", "--metrics", "deletion", "--curve-by", "atlas", "--out", _temp.File("out"));

        Assert.Equal(2, code);
        Assert.Contains("slice-02-tumour.png", error, StringComparison.Ordinal);
        Assert.Contains("atlas", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AManifestNamingAMissingMaskExitsWithCode2NamingIt()
    {
        string manifest = _temp.File("manifest.json");
        File.Copy(RepoPaths.DemoScan("2d/slice-02-tumour.png"), _temp.File("scan.png"));
        File.WriteAllText(manifest, """{"samples": [{"scan": "scan.png", "lesionMask": "no-such-mask.png"}]}""");

        (int code, _, string error) = CliRunner.Run("evaluate", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "--data", manifest, "--methods", "gradient", "--metrics", "iou", "--out", _temp.File("out"));

        Assert.Equal(2, code);
        Assert.Contains("no-such-mask.png", error, StringComparison.Ordinal);
    }

    [Fact]
    public void OnTheShortcutModelLocalisationRevealsTheMarkerNotTheLesion()
    {
        (int code, _, string error) = CliRunner.Run("evaluate", "-m", RepoPaths.DemoModel("shortcut-marker-2d"), "--data", RepoPaths.DemoScan("manifest.json"),
            "--methods", "integrated-gradients,occlusion", "--metrics", "relevance-mass,confounder-mass", "--out", _temp.Path);

        Assert.True(code == 0, error);
        string[][] rows = [.. File.ReadAllLines(_temp.File("metrics.csv")).Skip(1).Select(r => r.Split(','))];
        const double MarkerAreaShare = 224 / 16384.0; // demo/scans/shortcut/marker-area.png: 16 × 14 pixels
        foreach (string method in new[] { "integrated-gradients", "occlusion" })
        {
            double Mean(string metric) => rows.Where(r => r[1] == method && r[2] == metric).Average(r => double.Parse(r[3], CultureInfo.InvariantCulture));
            Assert.True(Mean("confounder-mass") > 5 * MarkerAreaShare, $"{method}: {Mean("confounder-mass")} of the relevance on the marker");
            Assert.True(Mean("confounder-mass") > 10 * Mean("relevance-mass"), $"{method}: marker {Mean("confounder-mass")} vs lesion {Mean("relevance-mass")}");
        }

        Assert.Equal(2, rows.Count(r => r[1] == "occlusion" && r[2] == "confounder-mass")); // only the two slices that carry the marker
    }

    [Fact]
    public void AReplicaOfAnotherNetworkExitsWithCode2NamingIt()
    {
        (int code, _, string error) = CliRunner.Run("evaluate", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "--data", RepoPaths.DemoScan("2d"),
            "--methods", "gradient", "--metrics", "label-randomisation", "--shuffled-labels-model", RepoPaths.DemoModel("shortcut-marker-2d"), "--out", _temp.Path);

        Assert.Equal(2, code);
        Assert.Contains("shortcut-marker-2d.onnx", error, StringComparison.Ordinal);
        Assert.Contains("same network", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ShortcutModel_CarriesTheConfounderFindingIntoJsonAndReport()
    {
        using var dir = new TempDirectory();

        (int code, string stdout, string error) = CliRunner.Run("evaluate", "--model", RepoPaths.DemoModel("shortcut-marker-2d"), "--data", RepoPaths.DemoScan("manifest.json"),
            "--methods", "integrated-gradients", "--metrics", "confounder-mass", "--out", dir.Path);

        Assert.True(code == 0, error);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("metrics.json")));
        System.Text.Json.JsonElement finding = json.RootElement.GetProperty("findings")[0];
        Assert.Equal("confounder", finding.GetProperty("kind").GetString());
        Assert.True(finding.GetProperty("numbers").GetProperty("ratio").GetDouble() >= 3, finding.GetProperty("text").GetString());
        Assert.Contains(System.Net.WebUtility.HtmlEncode(finding.GetProperty("text").GetString()!), File.ReadAllText(dir.File("report.html")), StringComparison.Ordinal);
    }
}
