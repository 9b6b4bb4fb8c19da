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
        if (layer.NonNegativeInput)
        {
            return layer.Signals(NonNegative(layer, relevance, emit));
        }

        var positive = PositiveContributions.Of(layer);
        var negative = PositiveContributions.Negative(layer);
        string rPositive = positive.Relevance(layer.Ratio(relevance, positive.Z, 1e-6f));
        string rNegative = negative.Relevance(layer.Ratio(relevance, negative.Z, 1e-6f));
        return layer.Signals(emit.Binary(
            "Sub",
            emit.Binary("Mul", rPositive, emit.Scalar(alpha)),
            emit.Binary("Mul", rNegative, emit.Scalar(beta))));
    }

    /// <summary>For x ≥ 0 the negative part needs no pass of its own: z⁻ = z − z⁺ (b = b⁺ + b⁻), and with W⁻ = W − W⁺,
    /// x ⊙ (α·W⁺ᵀs⁺ − β·W⁻ᵀs⁻) = x ⊙ (W⁺ᵀ(α·s⁺ + β·s⁻) − β·Wᵀs⁻): one extra forward and two transposed passes.</summary>
    private string NonNegative(LrpLayer layer, string relevance, BackwardEmitter emit)
    {
        string wPositive = layer.Part(layer.W, positive: true);
        string zPositive = layer.Forward(layer.X, wPositive, layer.B is { } b ? layer.Part(b, positive: true) : null);
        string zNegative = emit.Binary("Sub", layer.Z, zPositive);
        string sPositive = layer.Ratio(relevance, zPositive, 1e-6f), sNegative = layer.Ratio(relevance, zNegative, 1e-6f);
        string mixed = emit.Binary("Add", emit.Binary("Mul", sPositive, emit.Scalar(alpha)), emit.Binary("Mul", sNegative, emit.Scalar(beta)));
        string back = emit.Binary("Sub", layer.Transpose(mixed, wPositive), emit.Binary("Mul", layer.Transpose(sNegative, layer.W), emit.Scalar(beta)));
        return emit.Binary("Mul", layer.X, back);
    }
}
