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
}
