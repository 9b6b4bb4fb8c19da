using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Neg gradient: dX = −dY.</summary>
internal sealed class NegRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit) =>
        [emit.Unary("Neg", outputSignals[0]!)];
}
