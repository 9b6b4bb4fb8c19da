using Onnx;

namespace MedExplain.Onnx.Backward.Rules.Lrp;

/// <summary>LRP-flat: every input in a neuron's window gets an equal share, R_x = 1ᵀ(R ⊘ stab(1·1)), weights and inputs set to ones, no bias.</summary>
internal sealed class LrpFlatRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        LrpLayer layer = LrpLayer.Require(node, emit);
        string ones = emit.Expand(emit.Scalar(1), emit.Shape(layer.X));
        string weights = emit.Expand(emit.Scalar(1), emit.Shape(layer.W));
        string s = layer.Ratio(outputSignals[0]!, layer.Forward(ones, weights, null), 1e-6f);
        return layer.Signals(layer.Transpose(s, weights));
    }
}
