using Onnx;

namespace MedExplain.Onnx.Backward.Rules.Lrp;

/// <summary>LRP-ε (ε = 0: LRP-0): R_x = x ⊙ Wᵀ(R ⊘ stab(W·x + b, ε)).</summary>
/// <param name="epsilon">The stabiliser added to |z| (Zennit's default is 1e-6).</param>
internal sealed class LrpEpsilonRule(float epsilon) : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        LrpLayer layer = LrpLayer.Require(node, emit);
        string s = layer.Ratio(outputSignals[0]!, layer.Z, epsilon);
        return layer.Signals(layer.Contribution(layer.X, layer.W, s));
    }
}
