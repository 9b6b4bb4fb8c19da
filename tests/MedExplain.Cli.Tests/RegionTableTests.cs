using MedExplain.Imaging.Npy;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>Region-level methods print a ranked table with the names a names table gives.</summary>
public sealed class RegionTableTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void KernelShapPrintsRegionsRankedByScoreWithTheirNames()
    {
        var mask = new FloatTensor(128, 128);
        for (int v = 0; v < mask.Data.Length; v++)
        {
            mask.Data[v] = (v % 128 >= 64 ? 1 : 0) + (v / 128 >= 64 ? 2 : 0);
        }

        NpyWriter.Write(_temp.File("mask.npy"), mask);
        string names = _temp.Write("names.txt", "0 upper_left\n1 upper_right\n2 lower_left\n3 lower_right\n");

        (int code, string output, string error) = CliRunner.Run("attribute", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-02-tumour.png"),
            "--method", "kernel-shap", "--feature-mask", _temp.File("mask.npy"), "--region-names", names, "--samples", "20", "-o", _temp.File("map.npy"));

        Assert.True(code == 0, error);
        string[] rows = [.. output.Split('\n').Where(l => l.Contains("upper_", StringComparison.Ordinal) || l.Contains("lower_", StringComparison.Ordinal))];
        Assert.Equal(4, rows.Length);
        double[] scores = [.. rows.Select(r => double.Parse(r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(scores.OrderByDescending(s => s), scores);
    }

    [Fact]
    public void ExplainPutsAScanGridLabelMapOnTheModelGridAndReportsItsRegions()
    {
        // The 3D demo volume's lesion mask as a two-region label map: taking the tumour away must lower the tumour score.
        string names = _temp.Write("names.txt", "0 rest\n1 lesion\n");
        (int code, _, string error) = CliRunner.Run("explain", "-m", RepoPaths.DemoModel("brain-lesion-3d"), "-i", RepoPaths.DemoScan("3d/volume-02-tumour.nii.gz"),
            "--methods", "feature-ablation", "--feature-mask", RepoPaths.DemoScan("3d/volume-02-tumour-mask.nii.gz"), "--region-names", names, "--out", _temp.File("out"));

        Assert.True(code == 0, error);
        string html = File.ReadAllText(_temp.File("out/report.html"));
        int lesionRow = html.IndexOf("<td>lesion</td>", StringComparison.Ordinal), restRow = html.IndexOf("<td>rest</td>", StringComparison.Ordinal);
        Assert.True(lesionRow > 0 && restRow > 0, "both regions are in the report's table");
        string cell = html[(lesionRow + "<td>lesion</td><td>".Length)..];
        double score = double.Parse(cell[..cell.IndexOf('<', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(score > 0, $"the lesion region's score is {score}");
    }
}
