using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using MedExplain.Onnx.Backward.Rules;
using Onnx;

namespace MedExplain.Methods.Propagation;

/// <summary>The RevealCancel rule set of one model: each Conv/Gemm whose only consumer is an element-wise nonlinearity
/// takes <see cref="RevealCancelRule"/> and that nonlinearity passes through; everything else keeps DeepLIFT Rescale.</summary>
internal static class RevealCancelRules
{
    public static RuleSet For(OnnxModel model)
    {
        GraphProto graph = model.Proto.Graph;
        var rules = new Dictionary<string, IBackwardRule>(StringComparer.Ordinal);
        var pass = new PassThroughRule();
        foreach (NodeProto layer in graph.Node.Where(n => LinearLayers.WeightIndex(n, model.Graph.Constant) >= 0))
        {
            NodeProto[] consumers = [.. graph.Node.Where(n => n.Input.Contains(layer.Output[0]))];
            if (consumers is [var nonlinearity] && OpFacts.ElementwiseActivations.Contains(nonlinearity.OpType) && graph.Output.All(o => o.Name != layer.Output[0]))
            {
                rules[layer.Name] = new RevealCancelRule(nonlinearity, RuleSet.Gradient.For(nonlinearity.OpType)!);
                rules[nonlinearity.Name] = pass;
            }
        }

        return new RuleSet("deeplift-reveal-cancel", RuleSet.DeepLiftRescale.Rules)
        {
            NodeRules = node => rules.GetValueOrDefault(node.Name),
            NeedsReference = true,
            WritesOutNormalizations = true,
        };
    }
}
