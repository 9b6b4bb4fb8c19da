using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Add and Sub with broadcasting: dA = dY, dB = ±dY, each summed back to its operand's shape.</summary>
internal sealed class AddSubRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string dy = outputSignals[0]!;
        string da = emit.Unbroadcast(dy, emit.Shape(node.Input[0]));
        string db = emit.Unbroadcast(node.OpType == "Sub" ? emit.Unary("Neg", dy) : dy, emit.Shape(node.Input[1]));
        return [da, db];
    }
}
