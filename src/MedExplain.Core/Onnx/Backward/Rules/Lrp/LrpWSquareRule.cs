using Onnx;

namespace MedExplain.Onnx.Backward.Rules.Lrp;

/// <summary>LRP-w²: shares by squared weights, independent of the input: R_x = (W²)ᵀ(R ⊘ stab(W²·1 + b²)).</summary>
internal sealed class LrpWSquareRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        LrpLayer layer = LrpLayer.Require(node, emit);
        string ones = emit.Expand(emit.Scalar(1), emit.Shape(layer.X));
        string squared = emit.Binary("Mul", layer.W, layer.W);
        string? bias = layer.B is { } b ? emit.Binary("Mul", b, b) : null;
        string s = layer.Ratio(outputSignals[0]!, layer.Forward(ones, squared, bias), 1e-6f);
        return layer.Signals(layer.Transpose(s, squared));
    }
}
