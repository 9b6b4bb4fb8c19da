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
        if (layer.NonNegativeInput)
        {
            return layer.Signals(NonNegative(layer, relevance, emit));
        }

        var positive = PositiveContributions.Of(layer, gamma);
        var negative = PositiveContributions.Negative(layer, gamma);
        string Masked(string condition) => emit.Where(condition, relevance, zero);
        string sPositive = layer.Ratio(Masked(emit.Binary("Greater", layer.Z, zero)), positive.Z, 1e-6f);
        string sNegative = layer.Ratio(Masked(emit.Binary("Less", layer.Z, zero)), negative.Z, 1e-6f);
        return layer.Signals(emit.Binary("Add", positive.Relevance(sPositive), negative.Relevance(sNegative)));
    }

    /// <summary>For x ≥ 0 both denominators follow from z and z⁺ = W⁺x + b⁺: z_pos = z + γ·z⁺, z_neg = z + γ·(z − z⁺); and
    /// (W + γW⁺)ᵀs_p + (W + γW⁻)ᵀs_n = Wᵀ(s_p + (1 + γ)·s_n) + γ·W⁺ᵀ(s_p − s_n): one extra forward and two transposed passes.</summary>
    private string NonNegative(LrpLayer layer, string relevance, BackwardEmitter emit)
    {
        string zero = emit.Scalar(0), g = emit.Scalar(gamma);
        string wPositive = layer.Part(layer.W, positive: true);
        string zPlus = layer.Forward(layer.X, wPositive, layer.B is { } b ? layer.Part(b, positive: true) : null);
        string zPositive = emit.Binary("Add", layer.Z, emit.Binary("Mul", zPlus, g));
        string zNegative = emit.Binary("Add", layer.Z, emit.Binary("Mul", emit.Binary("Sub", layer.Z, zPlus), g));
        string sPositive = layer.Ratio(emit.Where(emit.Binary("Greater", layer.Z, zero), relevance, zero), zPositive, 1e-6f);
        string sNegative = layer.Ratio(emit.Where(emit.Binary("Less", layer.Z, zero), relevance, zero), zNegative, 1e-6f);
        string throughW = layer.Transpose(emit.Binary("Add", sPositive, emit.Binary("Mul", sNegative, emit.Scalar(1 + gamma))), layer.W);
        string throughWPositive = layer.Transpose(emit.Binary("Mul", emit.Binary("Sub", sPositive, sNegative), g), wPositive);
        return emit.Binary("Mul", layer.X, emit.Binary("Add", throughW, throughWPositive));
    }
}
