using Onnx;

namespace MedExplain.Onnx.Backward.Rules.Lrp;

/// <summary>LRP-z⁺ (α1β0 for any input sign): z = W⁺x⁺ + b⁺ + W⁻x⁻, R_x = x⁺ ⊙ W⁺ᵀs + x⁻ ⊙ W⁻ᵀs with s = R ⊘ stab(z).</summary>
internal sealed class LrpZPlusRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        LrpLayer layer = LrpLayer.Require(node, emit);
        var positive = PositiveContributions.Of(layer);
        string s = layer.Ratio(outputSignals[0]!, positive.Z, 1e-6f);
        return layer.Signals(positive.Relevance(s));
    }
}
