using System.Text.Json;
using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;
using MedExplain.Imaging.Npy;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>explain writes maps that line up with the scan's own voxels, and a self-contained report without identity.</summary>
public sealed class ExplainCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void NiftiMapEqualsTheModelGridMapPutBackOnTheScansVoxels()
    {
        // The 2D demo NIfTI is its PNG twin rotated so anterior is up (j runs opposite to PNG rows). The map explain
        // writes on the NIfTI grid must be the PNG twin's map (computed by 'attribute', on the model grid) with rows flipped.
        string nifti = RepoPaths.DemoScan("2d/slice-02-tumour.nii.gz");
        (int code, string output, string error) = CliRunner.Run("explain", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", nifti, "--methods", "gradient", "--target", "1", "--out", _temp.Path);
        Assert.True(code == 0, error);
        Assert.Contains("report.html", output, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("attribute", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-02-tumour.png"), "--method", "gradient", "--target", "1", "-o", _temp.File("twin.npy")).ExitCode);

        MedicalImage map = NiftiReader.Read(_temp.File("maps/slice-02-tumour-gradient.nii.gz"));
        MedicalImage scan = NiftiReader.Read(nifti);
        float[] twin = NpyReader.Read(_temp.File("twin.npy")).Data;

        Assert.Equal(scan.Dims, map.Dims);
        Assert.True(scan.Affine.MaxDifference(map.Affine) < 1e-5);
        int width = scan.Dims[0], height = scan.Dims[1];
        double worst = 0, largest = 0;
        for (int j = 0; j < height; j++)
        {
            for (int i = 0; i < width; i++)
            {
                float expected = twin[((height - 1 - j) * width) + i];
                worst = Math.Max(worst, Math.Abs(expected - map.Voxels[i + (width * j)]));
                largest = Math.Max(largest, Math.Abs(expected));
            }
        }

        Assert.True(worst <= 1e-4 * largest, $"largest difference {worst} (map scale {largest})");
    }

    [Fact]
    public void Summary_IsPrintedWrittenAsJsonAndShownInTheReport_AndABadTranslationExitsTwo()
    {
        string[] args = ["explain", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-02-tumour.png"), "--methods", "gradient,grad-cam",
            "--mask", RepoPaths.DemoScan("2d/slice-02-tumour-mask.png"), "--atlas", RepoPaths.DemoScan("2d/slice-02-tumour-regions.png"), "--atlas-names", RepoPaths.DemoScan("2d/aal-regions-readable.tsv")];
        (int code, string output, string error) = CliRunner.Run([.. args, "--out", _temp.File("out")]);

        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(_temp.File("out/slice-02-tumour-summary.json")));
        string summary = json.RootElement.GetProperty("summary").GetString()!;
        Assert.Contains($"in brief: {summary}", output, StringComparison.Ordinal);
        Assert.Contains(json.RootElement.GetProperty("facts").GetProperty("maps")[0].GetProperty("regions")[0].GetProperty("name").GetString()!, summary, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(summary), File.ReadAllText(_temp.File("out/report.html")), StringComparison.Ordinal);

        // The case list a viewer reads: the same summary, and every file inside the folder on the scan's grid.
        var listed = Assert.Single(MedExplain.Pipelines.Viewing.CaseList.Read(_temp.File("out")));
        Assert.Equal(summary, listed.Summary);
        Assert.Equal(["gradient", "grad-cam"], listed.Maps.Select(m => m.Method));
        MedExplain.Imaging.MedicalImage scan = MedExplain.Imaging.MedicalImageReader.Read(_temp.File("out/" + listed.Scan));
        foreach (string file in new[] { listed.LesionMask!, listed.Atlas! }.Concat(listed.Maps.Select(m => m.File)))
        {
            Assert.True(MedExplain.Imaging.MedicalImageReader.Read(_temp.File("out/" + file)).IsOnGridOf(scan), file);
        }

        File.WriteAllText(_temp.File("bad.json"), "{\"prediction\": \"Predicted {class}.\"}");
        (int badCode, _, string badError) = CliRunner.Run([.. args, "--summary-templates", _temp.File("bad.json"), "--out", _temp.File("bad")]);
        Assert.Equal(2, badCode);
        Assert.Contains("bad.json", badError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.File("bad/maps")), "a bad translation stops the run before any map is made");
    }

    [Fact]
    public void SegmentationModelExplainsThePredictedRegionOfItsLargestClass()
    {
        // The zoo's MONAI-style 3D U-Net: the map must equal the gradient of Σ over the voxels labelled 1 of the class-1
        // scores, which 'attribute' computes from the same mask given explicitly.
        string model = RepoPaths.TestData("zoo/monai-unet-3d.onnx");
        FloatTensor item = NpyReader.Read(RepoPaths.TestData("zoo/monai-unet-3d.input.npy")).Slice(0, 1);
        NpyWriter.Write(_temp.File("vol.npy"), item);
        var mask = new FloatTensor([1, 2, 16, 16, 16]);
        using (MedExplain.Onnx.OnnxModel loaded = MedExplain.Onnx.OnnxModel.Load(model))
        {
            float[] logits = loaded.Run(item, ["logits"])[0].Data;
            int voxels = logits.Length / 2;
            for (int v = 0; v < voxels; v++)
            {
                mask.Data[voxels + v] = logits[voxels + v] > logits[v] ? 1 : 0;
            }
        }

        NpyWriter.Write(_temp.File("mask.npy"), mask);

        (int code, string output, string error) = CliRunner.Run("explain", "-m", model, "-i", _temp.File("vol.npy"), "--methods", "gradient", "--out", _temp.File("out"));
        Assert.True(code == 0, error);
        Assert.Equal(0, CliRunner.Run("attribute", "-m", model, "-i", _temp.File("vol.npy"), "--method", "gradient", "--target-mask", _temp.File("mask.npy"), "-o", _temp.File("direct.npy")).ExitCode);

        Assert.Contains($"explaining the predicted region of class 1 ({mask.Data.Count(v => v == 1)} voxels", output, StringComparison.Ordinal);
        Assert.True(File.Exists(_temp.File("out/maps/vol-segmentation.nii.gz")));
        Assert.Contains("<h3>Segmentation</h3>", File.ReadAllText(_temp.File("out/report.html")), StringComparison.Ordinal);
        float[] explained = NiftiReader.Read(_temp.File("out/maps/vol-gradient.nii.gz")).Voxels;
        float[] direct = NpyReader.Read(_temp.File("direct.npy")).Data;
        Assert.Equal(direct.Select(v => (double)v * v).Sum(), explained.Select(v => (double)v * v).Sum(), 6);
    }

    [Fact]
    public void ConvertDicomLike_TurnsAnExplainedMapIntoDicomAndRefusesAMapOfAnotherScan()
    {
        string scan = RepoPaths.DemoScan("2d/slice-02-tumour.nii.gz");
        Assert.Equal(0, CliRunner.Run("explain", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", scan, "--methods", "grad-cam", "--out", _temp.File("out")).ExitCode);
        string map = _temp.File("out/maps/slice-02-tumour-grad-cam.nii.gz");

        (int code, string stdout, string error) = CliRunner.Run("convert", map, "--dicom-like", scan, "--method", "grad-cam", "--out", _temp.File("pacs"));
        (int wrongCode, _, string wrongError) = CliRunner.Run("convert", map, "--dicom-like", RepoPaths.DemoScan("3d/volume-02-tumour.nii.gz"), "--out", _temp.File("wrong"));

        Assert.True(code == 0, error);
        Assert.True(File.Exists(_temp.File("pacs/slice-02-tumour-grad-cam-parametric-map.dcm")), stdout);
        Assert.Single(Directory.GetFiles(_temp.File("pacs/slice-02-tumour-grad-cam"), "*.dcm"));
        Assert.Equal(2, wrongCode);
        Assert.Contains("the scan has 64×64×64 voxels", wrongError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void DicomReportIsSelfContainedAndCarriesNoIdentity()
    {
        var fixture = new DicomFixture
        {
            Rows = 128, Columns = 128, BitsStored = 12, Modality = "MR",
            Stored = DicomFixture.RandomValues(128 * 128, 12, isSigned: false, seed: 3),
            ExtraLines =
            [
                @"(0020,0032) DS [0\0\0]", @"(0020,0037) DS [1\0\0\0\1\0]", @"(0028,0030) DS [1.7\1.7]",
                // Free text that sites fill with names: never copied anywhere.
                "(0008,103e) LO [Head for Smith^Anna]", "(0008,1090) LO [Scanner of Dr Jones]",
                @"(0028,1050) DS [40\600]", @"(0028,1051) DS [80\1200]", @"(0028,1055) LO [Smith window\Other]",
            ],
        };
        string dicom = fixture.Write(_temp, "mr");

        (int code, string stdout, string error) = CliRunner.Run("explain", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", dicom, "--methods", "gradient,grad-cam", "--out", _temp.File("out"), "--dicom-out", _temp.File("pacs"));
        (int infoCode, string info, _) = CliRunner.Run("image-info", dicom);
        (_, string infoJson, _) = CliRunner.Run("image-info", dicom, "--json");
        (_, string asked, _) = CliRunner.Run("image-info", dicom, "--show-descriptions");

        Assert.True(code == 0 && infoCode == 0, error);
        foreach (string printed in new[] { stdout, error, info, infoJson })
        {
            Assert.DoesNotContain("Smith", printed, StringComparison.Ordinal);
            Assert.DoesNotContain("Jones", printed, StringComparison.Ordinal);
        }

        Assert.Contains("Head for Smith^Anna", asked, StringComparison.Ordinal);
        string html = File.ReadAllText(_temp.File("out/report.html"));
        Assert.Contains("data:image/png;base64,", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.Contains("grad-cam", html, StringComparison.Ordinal);
        Assert.Contains("1.2.840.10008.1.2.1", html, StringComparison.Ordinal);
        foreach (string file in Directory.EnumerateFiles(_temp.File("out"), "*", SearchOption.AllDirectories))
        {
            string text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(file));
            Assert.DoesNotContain("Doe^Jane", text, StringComparison.Ordinal);
            Assert.DoesNotContain("PATIENT-ID-123", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Smith", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Jones", text, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(_temp.File("out/maps/mr-scan.nii.gz")), "a DICOM scan also gets a NIfTI base image for viewers");

        // The DICOM outputs are the one place identity goes: filed under the source's patient for the PACS, free text
        // still left out.
        string[] series = [.. Directory.EnumerateFiles(_temp.File("pacs"), "*.dcm", SearchOption.AllDirectories)];
        Assert.Equal(4, series.Length); // two methods: a one-slice Secondary Capture series and a Parametric Map each
        foreach (string file in series)
        {
            string text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(file));
            Assert.Contains("Doe^Jane", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Smith", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Jones", text, StringComparison.Ordinal);
        }

        Assert.Contains("DICOM Secondary Capture series (1 images, not for diagnosis, in the source's study)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownMethodFailsWithTheListOfMethods()
    {
        (int code, _, string error) = CliRunner.Run("explain", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-01-normal.png"), "--methods", "magic", "--out", _temp.Path);

        Assert.Equal(2, code);
        Assert.Contains("integrated-gradients", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Stems_OfOneScanUnderTwoModelsOrTwoScansOfOneName_NeverCollide()
    {
        MedExplain.Pipelines.ExplainRequest Request(string model, string scan) =>
            new(model, null, scan, new MedExplain.Imaging.ImageReadOptions(), null, null, MedExplain.Methods.ClassTarget.Predicted, new MedExplain.Methods.AttributionOptions(), null, new Dictionary<string, string>());

        string[] stems = MedExplain.Cli.Commands.ExplainCommand.Stems(
            [Request("m/cnn.onnx", "a/slice.png"), Request("m/vit.onnx", "a/slice.png"), Request("m/cnn.onnx", "b/slice.png"), Request("m/cnn.onnx", "c/other.png")]);

        Assert.Equal(["slice", "slice-vit", "slice-cnn", "other"], stems);
    }
}
