using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Sqrt gradient: dX = dY / (2·Y).</summary>
internal sealed class SqrtRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit) =>
        [emit.Binary("Div", outputSignals[0]!, emit.Binary("Mul", node.Output[0], emit.Scalar(2)))];
}
