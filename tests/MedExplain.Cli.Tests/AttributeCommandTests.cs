using System.Text.Json;
using MedExplain.Imaging.Npy;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

public sealed class AttributeCommandTests
{
    private static readonly string Model2d = RepoPaths.DemoModel("brain-lesion-2d");

    [Fact]
    public void Attribute_IntegratedGradientsJson_WritesAMapShapedLikeTheInputAndReportsTheGap()
    {
        using var dir = new TempDirectory();
        string output = dir.File("ig.npy");

        (int code, string stdout, string error) = CliRunner.Run("attribute", "--model", Model2d, "--input", RepoPaths.DemoScan("2d/slice-02-tumour.png"),
            "--method", "integrated-gradients", "--steps", "16", "--target", "1", "--output", output, "--json");

        Assert.True(code == 0, error);
        Assert.Equal([1, 1, 128, 128], NpyReader.Read(output).Shape);
        using JsonDocument json = JsonDocument.Parse(stdout);
        JsonElement item = json.RootElement.GetProperty("items")[0];
        Assert.Equal(1, item.GetProperty("targetClass").GetInt32());
        double gap = item.GetProperty("diagnostics").GetProperty("completenessGap").GetDouble();
        double score = item.GetProperty("targetScore").GetDouble();
        Assert.True(Math.Abs(gap) < 0.01 * Math.Abs(score), $"gap {gap} vs score {score}");
    }

    [Fact]
    public void Attribute_MemoryBudgetTooSmall_RunsAndWarnsThatItCannotBeHonoured()
    {
        using var dir = new TempDirectory();

        (int code, _, string error) = CliRunner.Run("attribute", "--model", Model2d, "--input", RepoPaths.DemoScan("2d/slice-02-tumour.png"),
            "--method", "gradient", "--max-memory", "1MB", "--out", dir.File("g.npy"));

        Assert.True(code == 0, error);
        Assert.Contains("warning: the memory budget of 976.56 KiB cannot be honoured", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kernel-shap")]
    [InlineData("lime")]
    public void Attribute_TooFewCoalitionsForTheRegions_WarnsInTextAndJson(string method)
    {
        using var dir = new TempDirectory();
        string[] args = ["attribute", "--model", Model2d, "--input", RepoPaths.DemoScan("2d/slice-02-tumour.png"), "--method", method, "--out", dir.File("k.npy")];

        (int code, string text, string error) = CliRunner.Run(args);
        (_, string json, _) = CliRunner.Run([.. args, "--json"]);

        Assert.True(code == 0, error);
        Assert.Contains($"warning: {method} drew 32 coalitions for 64 regions", text, StringComparison.Ordinal);
        using JsonDocument document = JsonDocument.Parse(json);
        Assert.Contains("2176", document.RootElement.GetProperty("warnings")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Attribute_TargetByClassName_ExplainsThatClass()
    {
        using var dir = new TempDirectory();

        (int code, string stdout, string error) = CliRunner.Run("attribute", "--model", Model2d, "--input", RepoPaths.DemoScan("2d/slice-02-tumour.png"),
            "--method", "gradient", "--target", "Infarct", "--out", dir.File("g.npy"), "--json");

        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.Equal(2, json.RootElement.GetProperty("items")[0].GetProperty("targetClass").GetInt32());
    }

    [Theory]
    [InlineData("--method", "gradcam", "Did you mean 'grad-cam'?")]
    [InlineData("--target", "tumor", "Did you mean 'tumour'?")]
    [InlineData("--composite", "epsilon-pluss", "Did you mean 'epsilon-plus'?")]
    public void Attribute_AMistypedName_GetsASuggestion(string option, string value, string suggestion)
    {
        using var dir = new TempDirectory();
        string[] args = ["attribute", "--model", Model2d, "--input", RepoPaths.DemoScan("2d/slice-02-tumour.png"), "--out", dir.File("x.npy"),
            .. option == "--method" ? new[] { "--method", value } : ["--method", "lrp", option, value]];

        (int code, _, string error) = CliRunner.Run(args);

        Assert.Equal(2, code);
        Assert.Contains(suggestion, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Attribute_SmoothGradOverLrp_RecordsBothMethods()
    {
        using var dir = new TempDirectory();
        string output = dir.File("smooth-lrp.npy");

        (int code, string stdout, string error) = CliRunner.Run("attribute", "--model", Model2d, "--input", RepoPaths.DemoScan("2d/slice-02-tumour.png"),
            "--method", "smoothgrad", "--over", "lrp-epsilon", "--samples", "2", "--output", output, "--json");

        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.Equal("smoothgrad-over-lrp-epsilon", json.RootElement.GetProperty("method").GetString());
    }

    [Fact]
    public void Attribute_IntegratedGradientsOverRelevance_IsRefusedNamingTheFlag()
    {
        using var dir = new TempDirectory();

        (int code, _, string error) = CliRunner.Run("attribute", "--model", Model2d, "--input", RepoPaths.DemoScan("2d/slice-02-tumour.png"),
            "--method", "integrated-gradients", "--over", "lrp-epsilon", "--output", dir.File("x.npy"));

        Assert.Equal(2, code);
        Assert.Contains("--over", error, StringComparison.Ordinal);
        Assert.Contains("guided-backprop", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Attribute_TargetMaskOnASegmentationModel_WritesTheInputShapedMap()
    {
        using var dir = new TempDirectory();
        string output = dir.File("seg.npy");

        (int code, string stdout, string error) = CliRunner.Run("attribute", "--model", RepoPaths.TestData("zoo/unet-segmentation.onnx"),
            "--input", RepoPaths.TestData("zoo/unet-segmentation.input.npy"), "--method", "input-x-gradient",
            "--target-mask", RepoPaths.TestData("zoo/unet-segmentation.seed.npy"), "--output-name", "logits", "--output", output);

        Assert.True(code == 0, error);
        Assert.Equal([2, 1, 16, 16], NpyReader.Read(output).Shape);
        Assert.Contains("mask target", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Attribute_MaskOfTheWrongSize_ExitsTwo()
    {
        using var dir = new TempDirectory();
        string mask = dir.File("mask.npy");
        NpyWriter.Write(mask, new FloatTensor(1, 2, 3));

        (int code, _, string error) = CliRunner.Run("attribute", "--model", RepoPaths.TestData("zoo/unet-segmentation.onnx"),
            "--input", RepoPaths.TestData("zoo/unet-segmentation.input.npy"), "--method", "gradient", "--target-mask", mask, "--output", dir.File("a.npy"));

        Assert.Equal(2, code);
        Assert.Contains("the mask holds 6 values", error, StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> BadInvocations => new()
    {
        { ["--method", "lime-juice"], "no method is called 'lime-juice'" },
        { ["--method", "gradient", "--target", "9"], "Target class 9 is out of range" },
        { ["--method", "gradient", "--target", "first"], "'first' is not 'predicted', a class index" },
        { ["--method", "integrated-gradients", "--integration", "simpson"], "'simpson' is not one of" },
        { ["--method", "integrated-gradients", "--baseline", "purple"], "'purple' is not zeros" },
        { ["--method", "integrated-gradients", "--steps", "0"], "--steps: must be from 1 to 10000, not 0" },
        { ["--method", "integrated-gradients", "--steps", "100000000"], "--steps: must be from 1 to 10000, not 100000000" },
        { ["--method", "smoothgrad", "--samples", "1000000000"], "--samples: must be from 1 to 1000000, not 1000000000" },
        { ["--method", "rise", "--cells", "0"], "--cells: must be from 1 to 256, not 0" },
        { ["--method", "expected-gradients"], "needs a background set" },
    };

    [Theory]
    [MemberData(nameof(BadInvocations))]
    public void Attribute_BadArguments_ExitTwoWithOneClearMessage(string[] extra, string expected)
    {
        using var dir = new TempDirectory();
        string[] args = ["attribute", "--model", Model2d, "--input", RepoPaths.DemoScan("2d/slice-01-normal.png"), "--output", dir.File("a.npy"), .. extra];

        (int code, _, string error) = CliRunner.Run(args);

        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
