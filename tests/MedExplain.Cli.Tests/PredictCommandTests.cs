using System.Text.Json;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

public sealed class PredictCommandTests
{
    private static readonly string Model2d = RepoPaths.DemoModel("brain-lesion-2d");

    [Fact]
    public void Predict_A2dModelOnAVolume_SaysWhichSliceItClassifies()
    {
        string volume = RepoPaths.DemoScan("3d/volume-02-tumour.nii.gz");

        (int code, _, string error) = CliRunner.Run("predict", "--model", Model2d, "--input", volume);
        (int chosenCode, _, string chosenError) = CliRunner.Run("predict", "--model", Model2d, "--input", volume, "--slice", "10");

        Assert.True(code == 0 && chosenCode == 0, error + chosenError);
        Assert.Contains("(the middle one); choose another with --slice", error, StringComparison.Ordinal);
        Assert.DoesNotContain("note:", chosenError, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_NaNVoxels_WarnsInTextAndJson()
    {
        using var dir = new TempDirectory();
        var input = new FloatTensor([1, 1, 128, 128]);
        input.Data[500] = float.NaN;
        string path = dir.File("nan.npy");
        MedExplain.Imaging.Npy.NpyWriter.Write(path, input);

        (int code, string text, string error) = CliRunner.Run("predict", "--model", Model2d, "--input", path, "--no-normalize");
        (_, string json, _) = CliRunner.Run("predict", "--model", Model2d, "--input", path, "--no-normalize", "--json");

        Assert.True(code == 0, error);
        Assert.Contains("warning: the model's scores hold NaN", text, StringComparison.Ordinal);
        using JsonDocument document = JsonDocument.Parse(json);
        Assert.Contains("NaN", document.RootElement.GetProperty("items")[0].GetProperty("warning").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_PngJson_GivesProbabilitiesThatSumToOne()
    {
        (int code, string output, string error) = CliRunner.Run("predict", "--model", Model2d, "--input", RepoPaths.DemoScan("2d/slice-02-tumour.png"), "--json");

        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement item = json.RootElement.GetProperty("items")[0];
        double sum = item.GetProperty("probabilities").EnumerateArray().Sum(p => p.GetDouble());
        Assert.Equal(1, sum, 5);
        Assert.Equal(["normal", "tumour", "infarct"], json.RootElement.GetProperty("classNames").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public void Predict_NpyBatch_PrintsOneLinePerItem()
    {
        (int code, string output, string error) = CliRunner.Run("predict", "-m", RepoPaths.DemoModel("brain-lesion-3d"), "-i", RepoPaths.DemoScan("3d/volume-03-infarct.npy"), "--max-memory", "256MB");

        Assert.True(code == 0, error);
        Assert.Contains("[0] ", output, StringComparison.Ordinal);
        Assert.Contains("free for activations", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_SegmentationModel_WritesLabelsAndVolumesOnTheScansGrid()
    {
        // The zoo's MONAI-style 3D U-Net: two classes per voxel. Its labels must be the argmax of its own logits.
        using var dir = new TempDirectory();
        string model = RepoPaths.TestData("zoo/monai-unet-3d.onnx");
        FloatTensor input = MedExplain.Imaging.Npy.NpyReader.Read(RepoPaths.TestData("zoo/monai-unet-3d.input.npy")).Slice(0, 1);
        string inputPath = dir.File("scan.npy");
        MedExplain.Imaging.Npy.NpyWriter.Write(inputPath, input);
        long[] expected = new long[2];
        using (MedExplain.Onnx.OnnxModel loaded = MedExplain.Onnx.OnnxModel.Load(model))
        {
            float[] logits = loaded.Run(input, ["logits"])[0].Data;
            int count = logits.Length / 2;
            for (int v = 0; v < count; v++)
            {
                expected[logits[count + v] > logits[v] ? 1 : 0]++;
            }
        }

        (int code, string output, string error) = CliRunner.Run("predict", "--model", model, "--input", inputPath, "--out", dir.File("out"), "--json");

        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        long[] voxels = [.. json.RootElement.GetProperty("volumes").EnumerateArray().Select(v => v.GetProperty("voxels").GetInt64())];
        Assert.Equal(expected, voxels);
        Assert.True(expected[1] > 0 && expected[0] > 0, "the test needs both classes present");
        double[] millilitres = [.. json.RootElement.GetProperty("volumes").EnumerateArray().Select(v => v.GetProperty("millilitres").GetDouble())];
        Assert.Equal(expected[1] / 1000.0, millilitres[1], 9); // an NPY scan has 1 mm voxels
        MedExplain.Imaging.MedicalImage labels = MedExplain.Imaging.MedicalImageReader.Read(dir.File("out/scan-segmentation.nii.gz"));
        Assert.Equal(expected[1], labels.Voxels.LongCount(v => v == 1));
        MedExplain.Imaging.MedicalImage foreground = MedExplain.Imaging.MedicalImageReader.Read(dir.File("out/scan-probabilities.nii.gz"), new MedExplain.Imaging.ImageReadOptions(Volume: 1));
        Assert.Equal(expected[1], foreground.Voxels.LongCount(p => p > 0.5f));
    }

    public static TheoryData<string[], string> BadInvocations => new()
    {
        { ["predict", "--model", "missing.onnx", "--input", "x.png"], "missing.onnx: file not found" },
        { ["predict", "--model", Model2d, "--input", "missing.png"], "missing.png: file not found" },
        { ["predict", "--model", Model2d, "--input", RepoPaths.DemoScan("3d/volume-01-normal.npy")], "volume-01-normal.npy: has shape (1, 1, 64, 64, 64) (rank 5)" },
        { ["predict", "--model", Model2d, "--input", RepoPaths.DemoScan("2d/slice-01-normal.png"), "--max-memory", "lots"], "'lots' is not a size" },
        { ["predict", "--model", Model2d], "--input" },
        { ["predict", "--model", RepoPaths.DemoScan("manifest.json"), "--input", "x.png"], "is not an ONNX model" },
        { ["frobnicate"], "frobnicate" },
    };

    [Theory]
    [MemberData(nameof(BadInvocations))]
    public void Predict_BadInput_ExitsTwoWithOneClearMessage(string[] args, string expected)
    {
        (int code, string output, string error) = CliRunner.Run(args);

        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public void Predict_MalformedCardBesideModel_ExitsTwoNamingTheCard()
    {
        using var dir = new TempDirectory();
        string model = dir.File("copy.onnx");
        File.Copy(Model2d, model);
        string card = dir.Write("copy.card.json", "{ \"schemaVersion\": 1, \"name\": 3 }");

        (int code, _, string error) = CliRunner.Run("predict", "--model", model, "--input", RepoPaths.DemoScan("2d/slice-01-normal.png"));

        Assert.Equal(2, code);
        Assert.Contains(card, error, StringComparison.Ordinal);
        Assert.Contains("field \"input\" is required", error, StringComparison.Ordinal);
    }
}
