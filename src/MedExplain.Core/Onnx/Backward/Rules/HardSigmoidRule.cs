using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>HardSigmoid, max(0, min(1, αX + β)): α where 0 &lt; αX + β &lt; 1, else 0. HardSwish, X·HardSigmoid(X) with
/// α = 1/6, β = 1/2: 0 below −3, 1 above 3, X/3 + 1/2 between.</summary>
internal sealed class HardSigmoidRule : SlopeRule
{
    protected override string Slope(NodeProto node, BackwardEmitter emit)
    {
        string x = node.Input[0];
        if (node.OpType == "HardSwish")
        {
            string middle = emit.Binary("Add", emit.Binary("Mul", x, emit.Scalar(1f / 3)), emit.Scalar(0.5f));
            return Piecewise(emit, x, 3, emit.Scalar(1), emit.Where(emit.Binary("Less", x, emit.Scalar(-3)), emit.Scalar(0), middle));
        }

        float alpha = NodeAttributes.Real(node, "alpha", 0.2f), beta = NodeAttributes.Real(node, "beta", 0.5f);
        string z = emit.Binary("Add", emit.Binary("Mul", x, emit.Scalar(alpha)), emit.Scalar(beta));
        string inside = emit.Binary("And", emit.Binary("Greater", z, emit.Scalar(0)), emit.Binary("Less", z, emit.Scalar(1)));
        return emit.Where(inside, emit.Scalar(alpha), emit.Scalar(0));
    }
}
