using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Onnx;

public sealed class OnnxModelTests
{
    [Fact]
    public void Load_DemoModel_ReportsInterfaceOpsetAndCard()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));

        TensorInfo input = Assert.Single(model.Inputs);
        Assert.Equal("image", input.Name);
        Assert.Equal("float", input.ElementType);
        Assert.Equal("(batch, 1, 128, 128)", input.FormatShape());
        Assert.Equal("(batch, 3)", Assert.Single(model.Outputs).FormatShape());
        Assert.Equal(17, model.Opset);
        Assert.NotNull(model.Card);
        Assert.Equal(["normal", "tumour", "infarct"], model.Card.ClassNames);
    }

    [Fact]
    public void Forward_AnIntegerOutput_IsRefusedNamingTheModelAndTheOutput()
    {
        using var dir = new TempDirectory();
        string path = new TinyModelBuilder().Input("x", null, 4).Output("label", global::Onnx.TensorProto.Types.DataType.Int64)
            .Node("ArgMax", ["x"], ["label"], attributes: ("axis", 1L)).Save(dir.File("argmax.onnx"));
        using OnnxModel model = OnnxModel.Load(path);

        var error = Assert.Throws<MedExplainInputException>(() => model.Run(new FloatTensor([1, 4], [0, 3, 1, 2]), ["label"]));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("'label' holds int64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpInventory_DemoModel_CountsTheArchitecturesLayers()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));

        // The training script's Classifier2d: 7 convolutions (stem, 2 per residual block ×2, down, features),
        // 2 residual Adds, one overlapping MaxPool, GAP, Flatten and the linear head; BatchNorm folded on export.
        Assert.Equal(7, model.OpInventory["Conv"]);
        Assert.Equal(2, model.OpInventory["Add"]);
        Assert.Equal(1, model.OpInventory["MaxPool"]);
        Assert.Equal(1, model.OpInventory["GlobalAveragePool"]);
        Assert.Equal(1, model.OpInventory["Gemm"]);
        Assert.Equal(model.Proto.Graph.Node.Count, model.OpInventory.Values.Sum());
    }

    [Theory]
    [InlineData("GlobalAveragePool")]
    [InlineData("GlobalMaxPool")]
    [InlineData("ReduceMean-attribute")]
    [InlineData("ReduceMean-input")]
    public void FindCamLayers_EveryPoolingSpelling_FindsTheActivationBeforeIt(string pooling)
    {
        using var dir = new TempDirectory();
        string path = TinyModels.WithCamLayer(pooling).Save(dir.File("cam.onnx"));
        dir.Write("cam.card.json", CardJson.Minimal(layout: "NCHW", spatial: "[4, 4]", classes: 2));
        using OnnxModel model = OnnxModel.Load(path);

        CamLayerCandidate candidate = Assert.Single(model.FindCamLayers());

        Assert.Equal("cam_here", candidate.TensorName);
        Assert.Equal("Relu", candidate.ProducerOp);
        Assert.Equal(4, candidate.Rank);
        Assert.Equal([1, 2, 4, 4], model.ProbeShapes([1, 1, 4, 4]).Shapes["cam_here"]);
    }

    [Fact]
    public void FindCamLayers_DemoModels_AgreeWithTheLayerTheTrainingScriptNamed()
    {
        foreach (string name in new[] { "brain-lesion-2d", "brain-lesion-3d", "shortcut-marker-2d" })
        {
            using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel(name));
            Assert.Contains(model.FindCamLayers(), c => c.TensorName == model.Card!.CamLayer);
        }
    }

    [Fact]
    public void ProbeShapes_Demo3dModel_GivesConcreteIntermediateShapes()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-3d"));

        ProbedShapes probe = model.ProbeShapes([2, 1, 64, 64, 64]);

        Assert.Equal([2, 3], probe.Shapes["logits"]);
        // Stride-2 stem then two 2× max pools: 64 → 32 → 16 → 8 for the CAM layer.
        Assert.Equal([2, 64, 8, 8, 8], probe.Shapes[model.Card!.CamLayer!]);
        Assert.True(probe.ActivationBytes > 2L * 16 * 32 * 32 * 32 * sizeof(float));
    }

    [Fact]
    public void Load_MissingFile_NamesTheFile()
    {
        var error = Assert.Throws<MedExplainInputException>(() => OnnxModel.Load("no/such/model.onnx"));
        Assert.Equal("no/such/model.onnx", error.FilePath);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("random")]
    [InlineData("empty")]
    public void Load_NotOnnx_SaysSo(string kind)
    {
        using var dir = new TempDirectory();
        byte[] bytes = kind switch
        {
            "text" => "this is a README, not a model\n"u8.ToArray(),
            "random" => [.. Enumerable.Range(0, 4096).Select(i => (byte)((i * 7919) ^ (i >> 3)))],
            _ => [],
        };
        string path = dir.Write("model.onnx", bytes);

        var error = Assert.Throws<MedExplainInputException>(() => OnnxModel.Load(path));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.True(error.Problem.Contains("not an ONNX model", StringComparison.Ordinal) || error.Problem.Contains("empty", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void Load_OpTheRuntimeRejects_ReportsRuntimeMessageWithTheOp()
    {
        using var dir = new TempDirectory();
        string path = new TinyModelBuilder()
            .Input("x", null, 4)
            .Output("y", null, 4)
            .Node("NoSuchOpInOnnx", ["x"], ["y"], "mystery_node")
            .Save(dir.File("bad-op.onnx"));

        var error = Assert.Throws<MedExplainInputException>(() => OnnxModel.Load(path));

        Assert.Contains("ONNX Runtime cannot load this model", error.Message, StringComparison.Ordinal);
        Assert.Contains("NoSuchOpInOnnx", error.Message, StringComparison.Ordinal);
    }
}
