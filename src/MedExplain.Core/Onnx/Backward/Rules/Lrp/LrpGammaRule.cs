using Onnx;

namespace MedExplain.Onnx.Backward.Rules.Lrp;

/// <summary>
/// Generalised LRP-γ (Zennit's Gamma): where the output is positive, R goes back through the positive contributions with
/// weights W + γ·W⁺; where it is negative, through the negative ones with W + γ·W⁻.
/// </summary>
/// <param name="gamma">How much the same-sign contributions are favoured (0.25 by default).</param>
internal sealed class LrpGammaRule(float gamma) : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        LrpLayer layer = LrpLayer.Require(node, emit);
        string relevance = outputSignals[0]!;
        string zero = emit.Scalar(0);
        var positive = PositiveContributions.Of(layer, gamma);
        var negative = PositiveContributions.Negative(layer, gamma);
        string Masked(string condition) => emit.Where(condition, relevance, zero);
        string sPositive = layer.Ratio(Masked(emit.Binary("Greater", layer.Z, zero)), positive.Z, 1e-6f);
        string sNegative = layer.Ratio(Masked(emit.Binary("Less", layer.Z, zero)), negative.Z, 1e-6f);
        return layer.Signals(emit.Binary("Add", positive.Relevance(sPositive), negative.Relevance(sNegative)));
    }
}
