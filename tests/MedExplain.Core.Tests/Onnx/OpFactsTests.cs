using MedExplain.Methods;
using MedExplain.Methods.Propagation;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Onnx;

/// <summary>The op-facts table and the rule sets agree: every op the table names has a gradient rule, and every op a
/// modified rule set covers has a gradient rule too (so no rule set accepts an op the gradient methods refuse).</summary>
public sealed class OpFactsTests
{
    [Fact]
    public void EveryOpTheTableNames_HasAGradientRule()
    {
        string[] named = [.. OpFacts.ElementwiseActivations, .. OpFacts.ElementwiseFunctions, .. OpFacts.LinearOps, .. OpFacts.WithoutGradient];

        Assert.DoesNotContain(named, op => RuleSet.Gradient.For(op) is null);
    }

    [Fact]
    public void EveryOpAModifiedRuleSetCovers_HasAGradientRule()
    {
        using var dir = new TempDirectory();
        using OnnxModel model = OnnxModel.Load(TinyModels.Linear().Save(dir.File("linear.onnx")));
        RuleSet[] sets = [RuleSet.GuidedBackprop, RuleSet.DeConvNet, RuleSet.DeepLiftRescale, LrpComposite.Build(model, "epsilon-plus", new AttributionOptions())];

        foreach (RuleSet set in sets)
        {
            Assert.DoesNotContain(set.Rules.Keys, op => RuleSet.Gradient.For(op) is null);
        }
    }

    [Fact]
    public void LinearLayers_WeightsBehindIdentity_AreLayersAndGetRandomised()
    {
        // TorchScript exports route parameters through Identity nodes; they are linear layers all the same, and the
        // randomisation cascade must reach their weights (it used to find only direct initializers).
        using var dir = new TempDirectory();
        string path = new TinyModelBuilder(13).Input("x", null, 1, 3, 3).Output("y")
            .Initializer("w", [2, 1, 3, 3], [.. Enumerable.Range(0, 18).Select(i => (i % 5) - 2f)])
            .Node("Identity", ["w"], ["w_routed"])
            .Node("Conv", ["x", "w_routed"], ["c"]).Node("Flatten", ["c"], ["y"], attributes: ("axis", 1L))
            .Save(dir.File("routed.onnx"));
        using OnnxModel model = OnnxModel.Load(path);
        var x = new FloatTensor([1, 1, 3, 3], [.. Enumerable.Range(0, 9).Select(i => i * 0.1f)]);

        OnnxModel randomised = MedExplain.Metrics.Randomisation.Cascade(model, 1, seed: 3);

        Assert.Equal(["Conv_1"], LinearLayers.ReachedFromInput(model).Select(n => n.Name));
        Assert.NotEqual(model.Run(x, ["y"])[0].Data, randomised.Run(x, ["y"])[0].Data);
    }
}
