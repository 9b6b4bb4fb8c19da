using System.Text.Json;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

public sealed class InspectCommandTests
{
    [Fact]
    public void Inspect_DemoModel_PrintsInterfaceOpsAndCamLayer()
    {
        (int code, string output, _) = CliRunner.Run("inspect", "--model", RepoPaths.DemoModel("brain-lesion-2d"));

        Assert.Equal(0, code);
        Assert.Contains("image  float  (batch, 1, 128, 128)", output, StringComparison.Ordinal);
        Assert.Contains("opset 17", output, StringComparison.Ordinal);
        Assert.Contains("Conv 7", output, StringComparison.Ordinal);
        Assert.Contains("[card default]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void RuleOverride_MistypedNode_SuggestsALayerThatInspectLists()
    {
        using var dir = new TempDirectory();
        (_, string listed, _) = CliRunner.Run("inspect", "--model", RepoPaths.DemoModel("brain-lesion-2d"));

        (int code, _, string error) = CliRunner.Run("attribute", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-02-tumour.png"),
            "--method", "lrp", "--rule-override", "/head/Gem=zplus", "--out", dir.File("r.npy"));

        Assert.Equal(2, code);
        Assert.Contains("Did you mean '/head/Gemm'?", error, StringComparison.Ordinal);
        Assert.Contains("  /head/Gemm  Gemm", listed, StringComparison.Ordinal); // the name inspect prints under Layers
    }

    [Fact]
    public void Inspect_Json_IsParseableAndCarriesTheSymbolicBatch()
    {
        (int code, string output, _) = CliRunner.Run("inspect", "--model", RepoPaths.DemoModel("brain-lesion-3d"), "--json");

        Assert.Equal(0, code);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal("(batch, 1, 64, 64, 64)", json.RootElement.GetProperty("inputs")[0].GetProperty("shape").GetString());
        Assert.Equal("(1, 64, 8, 8, 8)", json.RootElement.GetProperty("camLayerCandidates")[0].GetProperty("shape").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("card").GetProperty("classNames").GetArrayLength());
    }

    [Fact]
    public void Inspect_ModelWithAnOpTheRuntimeRejects_ExitsTwoNamingTheOp()
    {
        using var dir = new TempDirectory();
        string model = new TinyModelBuilder()
            .Input("x", null, 1, 2, 2)
            .Output("y", null, 1, 2, 2)
            .Node("FancyCustomOp", ["x"], ["y"], "custom")
            .Save(dir.File("custom.onnx"));

        (int code, _, string error) = CliRunner.Run("inspect", "--model", model);

        Assert.Equal(2, code);
        Assert.Contains(model, error, StringComparison.Ordinal);
        Assert.Contains("FancyCustomOp", error, StringComparison.Ordinal);
    }
}
