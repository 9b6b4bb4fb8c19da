using System.Text.Json;
using MedExplain.Imaging.Npy;
using MedExplain.Methods;
using MedExplain.Methods.Attention;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Methods.Attention;

/// <summary>Attention maps against PyTorch: tools/demo_data/train_demo_vit.py hooks each block's softmax and its
/// gradient (stored by block index) on ViTs in the layouts exporters produce, and rolls them out in float64.</summary>
public sealed class AttentionMethodsTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly JsonElement References = JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("peers/attention.json"))).RootElement;

    [Theory]
    [InlineData("attention/timm-style-vit.onnx", 3, 2, 2)]
    [InlineData("attention/torchvision-vit.onnx", 2, 2, 1)]
    [InlineData("zoo/tiny-vit.onnx", 1, 2, 1)]
    [InlineData("zoo/tiny-vit.opset13.onnx", 1, 2, 1)]
    public void Find_ExportedVits_FindsOneSoftmaxPerBlockAndTheTokenLayout(string file, int blocks, int heads, int prefix)
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData(file));

        AttentionGraph graph = AttentionGraph.Of(model, model.InputShapeFor(1)![1..]);

        Assert.Equal(blocks, graph.Blocks.Count);
        Assert.All(graph.Blocks, b => Assert.Equal(heads, b.Heads));
        Assert.Equal(prefix, graph.Layout.Prefix);
        Assert.Equal([4, 4], graph.Layout.Grid);
    }

    [Fact]
    public void Find_DemoVit_FindsFourBlocksOnAnEightByEightGrid()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-vit-2d"));

        AttentionGraph graph = AttentionGraph.Of(model, [1, 128, 128]);

        Assert.Equal(4, graph.Blocks.Count);
        Assert.Equal(1, graph.Layout.Prefix);
        Assert.Equal([8, 8], graph.Layout.Grid);
    }

    [Fact]
    public void Find_WindowedAttention_IsRefusedNamingTheSoftmax()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData("attention/windowed-vit.onnx"));

        MedExplainInputException refusal = Assert.Throws<MedExplainInputException>(() => AttentionGraph.Of(model, [1, 16, 16]));

        Assert.Contains("windowed", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Softmax", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_FusedAttention_IsRefusedNamingTheNode()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData("attention/fused-attention.onnx"));

        MedExplainInputException refusal = Assert.Throws<MedExplainInputException>(() => AttentionGraph.Of(model, [1, 4, 4]));

        Assert.Contains("'fused_attention' is a fused Attention op", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LrpTransformer_BothExportLayouts_CompileToFiniteNonZeroMaps()
    {
        // Conservation is no test here: these random-weight models put most of the score in biases, the class token and
        // the position embedding, which are constants and keep their share. The demo ViT's deletion test measures quality.
        foreach ((string name, string input) in new[] { ("timm-style-vit", "input.npy"), ("torchvision-vit", "input-rgb.npy") })
        {
            using OnnxModel model = OnnxModel.Load(RepoPaths.TestData($"attention/{name}.onnx"));
            FloatTensor inputs = NpyReader.Read(RepoPaths.TestData($"attention/{input}"));

            Attribution map = AttributionMethods.Get("lrp-transformer").Attribute(model, inputs, ClassTarget.Predicted, new AttributionOptions());

            Assert.All(map.Values.Data, v => Assert.True(float.IsFinite(v)));
            Assert.True(map.Values.Data.Any(v => v != 0), $"{name}: zero map");
        }
    }

    [Fact]
    public void Find_ConvolutionalModel_IsRefused()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));

        MedExplainInputException refusal = Assert.Throws<MedExplainInputException>(() => AttentionGraph.Of(model, [1, 128, 128]));

        Assert.Contains("no attention softmax", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("timm-style-vit", "attention/input.npy")]
    [InlineData("torchvision-vit", "attention/input-rgb.npy")]
    public void Maps_TestVits_EqualTheTorchHookReference(string name, string input)
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData($"attention/{name}.onnx"));
        FloatTensor inputs = NpyReader.Read(RepoPaths.TestData(input));

        foreach (string target in new[] { "class0", "class1" })
        {
            AssertEqualsReference(model, inputs, References.GetProperty(name).GetProperty(target), $"{name} {target}");
        }
    }

    [Fact]
    public void Maps_DemoVit_EqualTheTorchHookReference()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-vit-2d"));
        JsonElement reference = References.GetProperty("brain-lesion-vit-2d");
        FloatTensor inputs = Concat([.. reference.GetProperty("scans").EnumerateArray().Select(s => MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan(s.GetString()!), model.InputSpec))]);

        foreach (string target in new[] { "predicted", "class0" })
        {
            AssertEqualsReference(model, inputs, reference.GetProperty(target), target);
        }
    }

    [Fact]
    public void GradientRollout_PairsEachBlocksGradientWithItsOwnAttention()
    {
        // The blocks of this model attend differently, so pairing block l's gradient with block L−1−l's attention (as
        // backward hooks, which fire last block first, do when stored in a list) gives another map.
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData("attention/timm-style-vit.onnx"));
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("attention/input.npy")).Slice(0, 1);
        double[] reference = [.. References.GetProperty("timm-style-vit").GetProperty("class1").GetProperty("gradient")[0].EnumerateArray().Select(v => v.GetDouble())];
        AttentionGraph graph = AttentionGraph.Of(model, input.Shape[1..]);
        (float[][] attention, float[][] gradients) = AttentionAndGradients(model, graph, input, 1);
        double[] start = [1, 0, .. new double[16]];

        double[] paired = AttentionRollout.Row([.. graph.Blocks.Select((b, l) => AttentionRollout.HeadMean(attention[l], gradients[l], b.Heads))], start, AttentionVariant.GradientRollout);
        double[] swapped = AttentionRollout.Row([.. graph.Blocks.Select((b, l) => AttentionRollout.HeadMean(attention[l], gradients[^(l + 1)], b.Heads))], start, AttentionVariant.GradientRollout);

        Assert.True(Numerics.MaxAbsDifference(paired.AsSpan(2), reference) < 1e-5);
        Assert.True(Numerics.MaxAbsDifference(swapped.AsSpan(2), reference) > 1e-3);
    }

    [Fact]
    public void Rollout_EveryRowOfTheRolledOutMatrixSumsToOne()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData("attention/timm-style-vit.onnx"));
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("attention/input.npy")).Slice(1, 1);
        AttentionGraph graph = AttentionGraph.Of(model, input.Shape[1..]);
        (float[][] attention, _) = AttentionAndGradients(model, graph, input, 0);
        double[][] means = [.. graph.Blocks.Select((b, l) => AttentionRollout.HeadMean(attention[l], [], b.Heads))];

        for (int token = 0; token < graph.Layout.Tokens; token++)
        {
            double[] unit = new double[graph.Layout.Tokens];
            unit[token] = 1;
            Assert.Equal(1.0, AttentionRollout.Row(means, unit, AttentionVariant.Rollout).Sum(), 6);
        }
    }

    [Fact]
    public void Maps_TwoClasses_DifferForGradientRolloutOnly()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData("attention/timm-style-vit.onnx"));
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("attention/input.npy"));

        float[] Map(string method, int target) => AttributionMethods.Get(method).Attribute(model, input, ClassTarget.Class(target), new AttributionOptions()).Values.Data;

        Assert.Equal(Map("attention-rollout", 0), Map("attention-rollout", 2));
        Assert.Equal(Map("raw-attention", 0), Map("raw-attention", 2));
        Assert.True(Numerics.MaxAbsDifference(Map("gradient-rollout", 0), Map("gradient-rollout", 2)) > 1e-3);
    }

    [Fact]
    public void Maps_UpsampledOntoTheInput_AreNonNegativeAndShapedLikeIt()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData("attention/torchvision-vit.onnx"));
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("attention/input-rgb.npy"));

        foreach (string method in new[] { "raw-attention", "attention-rollout", "gradient-rollout" })
        {
            Attribution map = AttributionMethods.Get(method).Attribute(model, input, ClassTarget.Predicted, new AttributionOptions());
            Assert.Equal([2, 1, 16, 16], map.Values.Shape);
            Assert.All(map.Values.Data, v => Assert.True(v >= 0));
            Assert.False(AttributionMethods.Describe(method).CarriesSign);
        }
    }

    private void AssertEqualsReference(OnnxModel model, FloatTensor inputs, JsonElement reference, string label)
    {
        int[] targets = [.. reference.GetProperty("targets").EnumerateArray().Select(t => t.GetInt32())];
        var options = new AttributionOptions { CamAtLayerResolution = true };
        foreach ((string method, string key) in new[] { ("raw-attention", "raw"), ("attention-rollout", "rollout"), ("gradient-rollout", "gradient") })
        {
            float[] ours = AttributionMethods.Get(method).Attribute(model, inputs, ClassTarget.PerItem(targets), options).Values.Data;
            double[] theirs = [.. reference.GetProperty(key).EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => v.GetDouble()))];
            double scale = theirs.Max(Math.Abs);
            double error = Numerics.MaxAbsDifference([.. ours.Select(v => (double)v)], theirs);
            output.WriteLine($"{label} {method}: max |ours − torch| = {error:E2} (max |torch| {scale:E2})");
            Assert.True(error <= 1e-5 * Math.Max(1, scale), $"{label} {method}: max |ours − torch| = {error:E2} (max |torch| {scale:E2})");
        }
    }

    private static (float[][] Attention, float[][] Gradients) AttentionAndGradients(OnnxModel model, AttentionGraph graph, FloatTensor input, int target)
    {
        float[][] attention = [], gradients = [];
        new MedExplain.Methods.Gradient.GradientPass(model, MedExplain.Onnx.Backward.RuleSet.Gradient, new AttributionOptions()).RunAt(
            input.Shape[1..], 1, [.. graph.Blocks.Select(b => b.Tensor)], (_, destination) => input.Item(0).CopyTo(destination),
            (_, seed) => seed[target] = 1, (_, g, a, _) => (gradients, attention) = (g, a), null, default);
        return (attention, gradients);
    }

    private static FloatTensor Concat(FloatTensor[] items)
    {
        var result = new FloatTensor([items.Length, .. items[0].Shape[1..]]);
        for (int i = 0; i < items.Length; i++)
        {
            items[i].Data.CopyTo(result.Data, i * result.ItemSize);
        }

        return result;
    }
}
