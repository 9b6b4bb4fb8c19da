using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Pow gradient, Y = A^B: dA = dY·B·A^(B−1), dB = dY·Y·ln A, each summed to its operand's shape.</summary>
internal sealed class PowRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string dy = outputSignals[0]!, a = node.Input[0], b = node.Input[1];
        string lower = emit.Node("Pow", [a, emit.Binary("Sub", b, emit.Scalar(1))], emit.Shape(node.Output[0]));
        string da = emit.Unbroadcast(emit.Binary("Mul", dy, emit.Binary("Mul", b, lower)), emit.Shape(a));
        string db = emit.Unbroadcast(emit.Binary("Mul", dy, emit.Binary("Mul", node.Output[0], emit.Unary("Log", a))), emit.Shape(b));
        return [da, db];
    }
}
