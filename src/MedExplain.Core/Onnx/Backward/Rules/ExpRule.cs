using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Exp gradient: dX = dY · Y.</summary>
internal sealed class ExpRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit) =>
        [emit.Binary("Mul", outputSignals[0]!, node.Output[0])];
}
