using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Gelu (opset 20) gradient. Exact form, XΦ(X): Φ(X) + Xφ(X). Tanh form, ½X(1 + tanh u) with
/// u = √(2/π)(X + 0.044715X³): ½(1 + tanh u) + ½X(1 − tanh² u)·√(2/π)(1 + 3·0.044715X²). ThresholdedRelu: 1 above α.</summary>
internal sealed class GeluRule : SlopeRule
{
    private const float Cubic = 0.044715f;

    protected override string Slope(NodeProto node, BackwardEmitter emit)
    {
        string x = node.Input[0];
        if (node.OpType == "ThresholdedRelu")
        {
            return Piecewise(emit, x, NodeAttributes.Real(node, "alpha", 1), emit.Scalar(1), emit.Scalar(0));
        }

        string xx = emit.Binary("Mul", x, x);
        if (NodeAttributes.Text(node, "approximate", "none") == "tanh")
        {
            float k = MathF.Sqrt(2 / MathF.PI);
            string u = emit.Binary("Mul", emit.Binary("Add", x, emit.Binary("Mul", emit.Binary("Mul", xx, x), emit.Scalar(Cubic))), emit.Scalar(k));
            string t = emit.Unary("Tanh", u);
            string du = emit.Binary("Mul", emit.Binary("Add", emit.Scalar(1), emit.Binary("Mul", xx, emit.Scalar(3 * Cubic))), emit.Scalar(k));
            string outer = emit.Binary("Mul", emit.Binary("Add", emit.Scalar(1), t), emit.Scalar(0.5f));
            string inner = emit.Binary("Mul", emit.Binary("Mul", emit.Binary("Mul", x, emit.Scalar(0.5f)), emit.Binary("Sub", emit.Scalar(1), emit.Binary("Mul", t, t))), du);
            return emit.Binary("Add", outer, inner);
        }

        string cdf = emit.Binary("Mul", emit.Binary("Add", emit.Scalar(1), emit.Unary("Erf", emit.Binary("Mul", x, emit.Scalar(1 / MathF.Sqrt(2))))), emit.Scalar(0.5f));
        string pdf = emit.Binary("Mul", emit.Unary("Exp", emit.Binary("Mul", xx, emit.Scalar(-0.5f))), emit.Scalar(1 / MathF.Sqrt(2 * MathF.PI)));
        return emit.Binary("Add", cdf, emit.Binary("Mul", x, pdf));
    }
}
