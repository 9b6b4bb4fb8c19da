using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Mul with broadcasting: dA = dY·B, dB = dY·A, each summed back to its operand's shape.</summary>
internal sealed class MulRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string dy = outputSignals[0]!;
        string a = node.Input[0], b = node.Input[1];
        return [emit.Unbroadcast(emit.Binary("Mul", dy, b), emit.Shape(a)), emit.Unbroadcast(emit.Binary("Mul", dy, a), emit.Shape(b))];
    }
}
