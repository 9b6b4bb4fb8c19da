using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Div with broadcasting: dA = dY / B, dB = −dY·A / B², each summed back to its operand's shape.</summary>
internal sealed class DivRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string dy = outputSignals[0]!;
        string a = node.Input[0], b = node.Input[1];
        string da = emit.Unbroadcast(emit.Binary("Div", dy, b), emit.Shape(a));
        string quotient = emit.Binary("Div", node.Output[0], b);
        string db = emit.Unbroadcast(emit.Unary("Neg", emit.Binary("Mul", dy, quotient)), emit.Shape(b));
        return [da, db];
    }
}
