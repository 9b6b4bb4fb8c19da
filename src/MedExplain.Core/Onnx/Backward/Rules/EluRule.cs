using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Elu, Selu and Celu gradients. Elu: 1 above 0, Y + α below. Selu: γ above 0, Y + γα below. Celu: 1 above 0,
/// exp(X/α) below.</summary>
internal sealed class EluRule : SlopeRule
{
    protected override string Slope(NodeProto node, BackwardEmitter emit)
    {
        string x = node.Input[0], y = node.Output[0];
        switch (node.OpType)
        {
            case "Selu":
                float alpha = NodeAttributes.Real(node, "alpha", 1.67326319217681884765625f);
                float gamma = NodeAttributes.Real(node, "gamma", 1.05070102214813232421875f);
                return Piecewise(emit, x, 0, emit.Scalar(gamma), emit.Binary("Add", y, emit.Scalar(gamma * alpha)));
            case "Celu":
                float celuAlpha = NodeAttributes.Real(node, "alpha", 1);
                return Piecewise(emit, x, 0, emit.Scalar(1), emit.Unary("Exp", emit.Binary("Div", x, emit.Scalar(celuAlpha))));
            default:
                return Piecewise(emit, x, 0, emit.Scalar(1), emit.Binary("Add", y, emit.Scalar(NodeAttributes.Real(node, "alpha", 1))));
        }
    }
}
