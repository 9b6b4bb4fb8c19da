using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Log gradient: dX = dY / X.</summary>
internal sealed class LogRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit) =>
        [emit.Binary("Div", outputSignals[0]!, node.Input[0])];
}
