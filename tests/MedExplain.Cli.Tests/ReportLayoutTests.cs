using System.Text.Json;
using System.Text.RegularExpressions;
using MedExplain.Imaging.Rendering;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>
/// Reports laid out by a real browser (Debian's headless Chromium) at 1280 px: every figure is shown at its own size or
/// larger, so its smallest text (<see cref="PanelFigure.SmallestText"/> px) stays at least 10 px tall; chart text too;
/// and nothing needs sideways scrolling.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReportLayoutTests
{
    private const string Probe = """
        <script>
        window.addEventListener('load', () => {
          const items = [];
          for (const img of document.images) {
            items.push({ kind: 'figure', scale: img.getBoundingClientRect().width / img.naturalWidth, natural: img.naturalWidth });
          }
          for (const svg of document.querySelectorAll('svg')) {
            const box = svg.getBoundingClientRect();
            const width = svg.viewBox.baseVal && svg.viewBox.baseVal.width ? svg.viewBox.baseVal.width : box.width;
            for (const text of svg.querySelectorAll('text')) {
              items.push({ kind: 'chart', pixels: parseFloat(getComputedStyle(text).fontSize) * box.width / width });
            }
          }
          const pre = document.createElement('pre');
          pre.id = 'layout-probe';
          pre.textContent = JSON.stringify({ viewport: innerWidth, scrollWidth: document.documentElement.scrollWidth, items });
          document.body.appendChild(pre);
        });
        </script>
        """;

    [Fact]
    public void ExplainEvaluationAndConceptReports_At1280Pixels_KeepFigureTextAtLeast10PixelsTall()
    {
        ExternalTools.Require("chromium", "chromium");
        using var temp = new TempDirectory();
        // The widest figures: a volume's three planes for three methods, and a 2D scan beside four methods.
        Assert.Equal(0, CliRunner.Run("explain", "-m", RepoPaths.DemoModel("brain-lesion-3d"), "-i", RepoPaths.DemoScan("3d/volume-02-tumour.nii.gz"),
            "--mask", RepoPaths.DemoScan("3d/volume-02-tumour-mask.nii.gz"), "--methods", "gradient,grad-cam,input-x-gradient", "--out", temp.File("volume")).ExitCode);
        Assert.Equal(0, CliRunner.Run("explain", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-02-tumour.png"),
            "--methods", "gradient,grad-cam,input-x-gradient,guided-backprop", "--out", temp.File("slice")).ExitCode);
        Assert.Equal(0, CliRunner.Run("evaluate", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "--data", RepoPaths.DemoScan("2d"),
            "--methods", "gradient,grad-cam", "--metrics", "deletion,relevance-mass", "--max-items", "2", "--out", temp.File("evaluation")).ExitCode);
        Assert.Equal(0, CliRunner.Run("concepts", "-m", RepoPaths.DemoModel("shortcut-marker-2d"), "-c", Path.Combine(RepoPaths.Demo, "concepts", "concepts.json"),
            "--layers", "/stage1/relu_1/Relu_output_0,/stage2/relu_1/Relu_output_0,/features/features.2/Relu_output_0", "--target", "lesion", "--pooling", "spatial-mean",
            "--random-sets", "4", "--random-size", "20", "--out", temp.File("concepts")).ExitCode);

        foreach (string report in new[] { "volume", "slice", "evaluation", "concepts" }.Select(r => temp.File(Path.Combine(r, "report.html"))))
        {
            using JsonDocument layout = Layout(report, temp);
            JsonElement root = layout.RootElement;
            Assert.True(root.GetProperty("scrollWidth").GetInt32() <= root.GetProperty("viewport").GetInt32(), $"{report}: the page scrolls sideways");
            foreach (JsonElement item in root.GetProperty("items").EnumerateArray())
            {
                double textPixels = item.GetProperty("kind").GetString() == "figure"
                    ? PanelFigure.SmallestText * item.GetProperty("scale").GetDouble()
                    : item.GetProperty("pixels").GetDouble();
                Assert.True(textPixels >= 10, $"{report}: {item} shows text {textPixels:0.0} px tall");
            }

            Assert.NotEmpty(root.GetProperty("items").EnumerateArray());
        }
    }

    /// <summary>Opens a copy of the report with the probe in Chromium at 1280 × 900 and reads back what it measured.</summary>
    private static JsonDocument Layout(string report, TempDirectory temp)
    {
        string probed = Path.Combine(Path.GetDirectoryName(report)!, "layout-probe.html");
        File.WriteAllText(probed, File.ReadAllText(report).Replace("</body>", Probe + "</body>", StringComparison.Ordinal));
        string dom = ExternalTools.Run("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={temp.File("chromium-profile")}",
            "--window-size=1280,900", "--virtual-time-budget=5000", "--dump-dom", new Uri(probed).AbsoluteUri);
        Match measured = Regex.Match(dom, "<pre id=\"layout-probe\">(.*?)</pre>", RegexOptions.Singleline);
        Assert.True(measured.Success, $"Chromium did not run the layout probe on {report}");
        return JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(measured.Groups[1].Value));
    }
}
