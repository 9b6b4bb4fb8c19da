using System.Text.Json;
using System.Text.RegularExpressions;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

public sealed class DemoCommandTests
{
    [Fact]
    public void Demo_BundledData_PredictsEveryManifestScanAndDrawsOneFigurePerModel()
    {
        using var figures = new TempDirectory();

        (int code, string output, string error) = CliRunner.Run("demo", "--out", figures.Path);

        Assert.True(code == 0, error);
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(RepoPaths.DemoScan("manifest.json")));
        foreach (JsonElement sample in manifest.RootElement.GetProperty("samples").EnumerateArray())
        {
            Assert.Contains(sample.GetProperty("scan").GetString()!, output, StringComparison.Ordinal);
        }

        Assert.Contains("== brain-lesion-2d", output, StringComparison.Ordinal);
        Assert.Contains("== brain-lesion-3d", output, StringComparison.Ordinal);
        Assert.Contains("== shortcut-marker-2d", output, StringComparison.Ordinal);
        Assert.Contains("== brain-lesion-vit-2d", output, StringComparison.Ordinal);
        Assert.Contains("attribution figure (gradient-rollout, lrp-transformer, attention-rollout, raw-attention)", output, StringComparison.Ordinal);
        foreach (string model in new[] { "brain-lesion-2d", "brain-lesion-3d", "shortcut-marker-2d", "brain-lesion-vit-2d", "shortcut-marker-vit-2d" })
        {
            FloatTensor figure = MedExplain.Imaging.Raster.RasterReader.Read(Path.Combine(figures.Path, $"panel-{model}.png"));
            Assert.True(figure.Shape[2] > 300 && figure.Shape[3] > 800, $"{model}: figure {FloatTensor.FormatShape(figure.Shape)}");
        }

        string report = Path.Combine(figures.Path, "report", "report.html");
        Assert.Contains(report, output, StringComparison.Ordinal);
        string html = File.ReadAllText(report);

        // The viewer's case list names every scan of the report, each with its maps.
        var listed = MedExplain.Pipelines.Viewing.CaseList.Read(Path.Combine(figures.Path, "report"));
        Assert.All(listed, c => Assert.Contains($"id=\"{c.Id}\"", html, StringComparison.Ordinal));
        Assert.All(listed, c => Assert.NotEmpty(c.Maps));
        Assert.Contains($"serve --cases {Path.Combine(figures.Path, "report")}", output, StringComparison.Ordinal);
        foreach (string model in new[] { "brain-lesion-2d", "brain-lesion-3d", "shortcut-marker-2d", "brain-lesion-vit-2d", "shortcut-marker-vit-2d" })
        {
            Assert.Contains($"model {model}", html, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(figures.Path, "evaluation-" + model, "report.html")), $"{model}: evaluation report");
        }

        // The main report's overview links each model's evaluation report and panel, lists the shortcut model's two
        // misclassified slices (their sections are in the report) and carries the verdict.
        foreach (Match link in Regex.Matches(html, "href=\"([^\"#][^\"]*)\""))
        {
            Assert.True(File.Exists(Path.Combine(figures.Path, "report", link.Groups[1].Value)), $"broken link {link.Groups[1].Value}");
        }

        foreach (Match anchor in Regex.Matches(html, "href=\"#([^\"]+)\""))
        {
            Assert.Contains($"id=\"{anchor.Groups[1].Value}\"", html, StringComparison.Ordinal);
        }

        // A scan shown for two models has a section of its own under each.
        string[] ids = [.. Regex.Matches(html, "<section id=\"([^\"]+)\"").Select(m => m.Groups[1].Value)];
        Assert.Equal(ids.Length, ids.Distinct().Count());

        Assert.Contains("evaluation-shortcut-marker-2d/report.html", html, StringComparison.Ordinal);
        Assert.Contains("Misclassified: slice-03-normal-marker.png", html, StringComparison.Ordinal);
        Assert.Contains("Misclassified: slice-04-lesion-no-marker.png", html, StringComparison.Ordinal);
        Assert.Contains("The maps point at the confounder", html, StringComparison.Ordinal);

        // The evaluation summary measures where the shortcut model's maps put their relevance, and says so, in the console
        // and in the evaluation report.
        Assert.Contains("relevance-mass", output, StringComparison.Ordinal);
        Assert.Contains("The maps point at the confounder", output, StringComparison.Ordinal);
        Assert.Contains("The maps point at the confounder", File.ReadAllText(Path.Combine(figures.Path, "evaluation-shortcut-marker-2d", "report.html")), StringComparison.Ordinal);

        // The 2D models' concept studies: printed, linked from the overview, each with its report.
        Assert.Contains("burned-in marker: TCAV score 1.00 [1.00, 1.00]", output, StringComparison.Ordinal);
        Assert.Contains("concepts-shortcut-marker-2d/report.html", html, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(figures.Path, "concepts-brain-lesion-2d", "report.html")));
        Assert.False(Directory.Exists(Path.Combine(figures.Path, "concepts-brain-lesion-3d")));
    }

    [Fact]
    public void Demo_MissingDemoFolder_ExitsWithBadInput()
    {
        using var dir = new TempDirectory();

        (int code, _, string error) = CliRunner.Run("demo", "--demo-dir", dir.Path);

        Assert.Equal(2, code);
        Assert.Contains("manifest.json", error, StringComparison.Ordinal);
    }
}
