using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Softplus, Softsign and Mish gradients. Softplus: σ(X). Softsign: 1/(1 + |X|)². Mish, X·tanh(softplus(X)):
/// tanh(sp) + X·σ(X)·(1 − tanh²(sp)).</summary>
internal sealed class SoftplusRule : SlopeRule
{
    protected override string Slope(NodeProto node, BackwardEmitter emit)
    {
        string x = node.Input[0];
        switch (node.OpType)
        {
            case "Softsign":
                string denominator = emit.Binary("Add", emit.Scalar(1), emit.Unary("Abs", x));
                return emit.Binary("Div", emit.Scalar(1), emit.Binary("Mul", denominator, denominator));
            case "Mish":
                string t = emit.Unary("Tanh", emit.Unary("Softplus", x));
                string oneMinusT2 = emit.Binary("Sub", emit.Scalar(1), emit.Binary("Mul", t, t));
                return emit.Binary("Add", t, emit.Binary("Mul", emit.Binary("Mul", x, Sigmoid(emit, x)), oneMinusT2));
            default:
                return Sigmoid(emit, x);
        }
    }
}
