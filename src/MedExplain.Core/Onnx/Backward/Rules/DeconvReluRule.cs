using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>DeConvNet at a ReLU (Zeiler and Fergus, 2014): dX = max(dY, 0), whatever the forward input was.</summary>
internal sealed class DeconvReluRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit) =>
        [emit.Unary("Relu", outputSignals[0]!)];
}
