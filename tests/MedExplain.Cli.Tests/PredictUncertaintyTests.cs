using System.Text.Json;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>predict --uncertainty: test-time augmentation and MC dropout, in text and JSON, seeded, with clear errors.</summary>
public sealed class PredictUncertaintyTests
{
    private static readonly string Volume = RepoPaths.DemoScan("3d/volume-02-tumour.nii.gz");

    [Fact]
    public void McDropout_PrintsTheMeasures_AndTheSameSeedGivesTheSameNumbers()
    {
        string[] args = ["predict", "-m", RepoPaths.DemoModel("brain-lesion-3d"), "-i", Volume, "--uncertainty", "mc-dropout", "--dropout-at", "/Flatten_output_0", "--dropout-rate", "0.5", "--dropout-samples", "10"];

        (int code, string first, string error) = CliRunner.Run(args);
        (_, string second, _) = CliRunner.Run(args);

        Assert.True(code == 0, error);
        Assert.Contains("MC dropout: rate 0.5 at /Flatten_output_0, 10 samples, seed 0", first, StringComparison.Ordinal);
        Assert.Contains("mutual information", first, StringComparison.Ordinal);
        // The lines about free memory vary from run to run; the uncertainty's do not.
        static string Uncertainty(string text) => text[text.IndexOf("uncertainty (", StringComparison.Ordinal)..];
        Assert.Equal(Uncertainty(first), Uncertainty(second));
    }

    [Fact]
    public void Tta_InJson_CarriesEachItemsMeasures()
    {
        (int code, string output, string error) = CliRunner.Run("predict", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-02-tumour.png"), "--uncertainty", "tta", "--json");

        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement item = json.RootElement.GetProperty("uncertainty").GetProperty("items")[0];
        Assert.Equal(4, item.GetProperty("samples").GetInt32());
        Assert.InRange(item.GetProperty("mutualInformation").GetDouble(), 0, Math.Log(3));
        Assert.Equal("tumour", json.RootElement.GetProperty("prediction").GetProperty("items")[0].GetProperty("predictedName").GetString());
    }

    [Theory]
    [InlineData("--uncertainty", "bootstrap", "--uncertainty")]
    [InlineData("--dropout-rate", "1", "--dropout")]
    [InlineData("--dropout-at", "/Flaten_output_0", "Did you mean '/Flatten_output_0'")]
    public void BadUncertaintyOptions_ExitTwoNamingTheProblem(string option, string value, string expected)
    {
        var args = new List<string> { "predict", "-m", RepoPaths.DemoModel("brain-lesion-3d"), "-i", Volume, "--uncertainty", "mc-dropout", "--dropout-at", "/Flatten_output_0" };
        int at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        (int code, _, string error) = CliRunner.Run([.. args]);

        Assert.True(code == 2, error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ExplainWithTta_WritesEachMapsSpreadAndSaysHowSure()
    {
        using var output = new TempDirectory();

        (int code, string text, string error) = CliRunner.Run("explain", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-02-tumour.png"), "--methods", "gradient,grad-cam", "--uncertainty", "tta", "-o", output.Path);

        Assert.True(code == 0, error);
        Assert.Contains("uncertainty (test-time augmentation: identity, flip left-right, intensity ×0.9, intensity ×1.1)", text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output.Path, "maps", "slice-02-tumour-grad-cam-spread.nii.gz")));
        string report = File.ReadAllText(Path.Combine(output.Path, "report.html"));
        Assert.Contains("How sure", report, StringComparison.Ordinal);
        Assert.Contains("Across 4 test-time augmentations", report, StringComparison.Ordinal);
        Assert.Contains("<td>gradient and grad-cam</td>", report, StringComparison.Ordinal);

        // The spread is drawn beside each map: a picture with something in it, on the map's planes.
        Assert.Contains("alt=\"grad-cam spread\"", report, StringComparison.Ordinal);
        FloatTensor spread = MedExplain.Imaging.Raster.RasterReader.Read(Path.Combine(output.Path, "figures", "slice-02-tumour-grad-cam-spread.png"));
        FloatTensor map = MedExplain.Imaging.Raster.RasterReader.Read(Path.Combine(output.Path, "figures", "slice-02-tumour-grad-cam.png"));
        Assert.Equal(map.Shape, spread.Shape);
        Assert.True(spread.Data.Distinct().Count() > 16, "the spread picture is flat");
    }

    [Fact]
    public void AnEnsemble_OfTheDemoModelAndItsReplica_TakesOneSampleEach()
    {
        (int code, string output, string error) = CliRunner.Run("predict", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-02-tumour.png"), "--uncertainty", "ensemble", "--ensemble", RepoPaths.DemoModel("brain-lesion-2d-replica"), "--json");

        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.StartsWith("ensemble of 2", json.RootElement.GetProperty("uncertainty").GetProperty("method").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, json.RootElement.GetProperty("uncertainty").GetProperty("items")[0].GetProperty("samples").GetInt32());
        (int refused, _, string refusal) = CliRunner.Run("predict", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-02-tumour.png"), "--uncertainty", "ensemble", "--ensemble", RepoPaths.DemoModel("shortcut-marker-2d"));
        Assert.Equal(2, refused);
        Assert.Contains("same network trained again", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void ASegmentationModel_GetsVoxelMapsOnTheScansGrid()
    {
        using var folder = new TempDirectory();
        string scan = folder.File("scan.npy");
        MedExplain.Imaging.Npy.NpyWriter.Write(scan, MedExplain.Imaging.Npy.NpyReader.Read(RepoPaths.TestData("zoo/monai-unet-3d.input.npy")).Slice(0, 1));

        (int code, string output, string error) = CliRunner.Run("predict", "-m", RepoPaths.TestData("zoo/monai-unet-3d.onnx"), "-i", scan, "--uncertainty", "tta", "--out", folder.Path);

        Assert.True(code == 0, error);
        Assert.Contains("uncertainty (test-time augmentation", output, StringComparison.Ordinal);
        foreach (string map in new[] { "entropy", "mutual-information", "uncertainty-std" })
        {
            string path = Path.Combine(folder.Path, $"scan-{map}.nii.gz");
            Assert.Contains(path, output, StringComparison.Ordinal);
            MedExplain.Imaging.MedicalImage image = MedExplain.Imaging.Nifti.NiftiReader.Read(path);
            MedExplain.Imaging.MedicalImage labels = MedExplain.Imaging.Nifti.NiftiReader.Read(Path.Combine(folder.Path, "scan-segmentation.nii.gz"));
            Assert.Equal(labels.Dims, image.Dims);
            Assert.All(image.Voxels, v => Assert.True(float.IsFinite(v) && v >= 0));
        }
    }

    [Fact]
    public void McDropoutAtTheInput_IsRefused()
    {
        (int code, _, string error) = CliRunner.Run("predict", "-m", RepoPaths.DemoModel("brain-lesion-3d"), "-i", Volume, "--uncertainty", "mc-dropout", "--dropout-at", "image");

        Assert.Equal(2, code);
        Assert.Contains("--dropout-at", error, StringComparison.Ordinal);
    }

    [Fact]
    public void McDropoutWithoutATensor_DropsWhereTheCardSays()
    {
        (int code, string output, string error) = CliRunner.Run("predict", "-m", RepoPaths.DemoModel("brain-lesion-3d"), "-i", Volume, "--uncertainty", "mc-dropout", "--dropout-samples", "4");

        Assert.True(code == 0, error);
        Assert.Contains("rate 0.2 at /Flatten_output_0", output, StringComparison.Ordinal);
    }

    [Fact]
    public void McDropoutWithoutATensorCardSiteOrDropoutNode_SaysWhichOptionIsMissing()
    {
        (int code, _, string error) = CliRunner.Run("predict", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-02-tumour.png"), "--uncertainty", "mc-dropout");

        Assert.Equal(2, code);
        Assert.Contains("--dropout-at", error, StringComparison.Ordinal);
    }
}
