using Onnx;

namespace MedExplain.Onnx.Backward.Rules.Lrp;

/// <summary>LRP-αβ (α − β = 1): α times the z⁺ redistribution of R minus β times that of the negative contributions.</summary>
/// <param name="alpha">Weight of the positive part.</param>
/// <param name="beta">Weight of the negative part.</param>
internal sealed class LrpAlphaBetaRule(float alpha, float beta) : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        LrpLayer layer = LrpLayer.Require(node, emit);
        string relevance = outputSignals[0]!;
        var positive = PositiveContributions.Of(layer);
        var negative = PositiveContributions.Negative(layer);
        string rPositive = positive.Relevance(layer.Ratio(relevance, positive.Z, 1e-6f));
        string rNegative = negative.Relevance(layer.Ratio(relevance, negative.Z, 1e-6f));
        return layer.Signals(emit.Binary(
            "Sub",
            emit.Binary("Mul", rPositive, emit.Scalar(alpha)),
            emit.Binary("Mul", rNegative, emit.Scalar(beta))));
    }
}
