using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Reshape, Flatten, Squeeze, Unsqueeze: values are only rearranged, so the signal is reshaped back.</summary>
internal sealed class ReshapeRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit) =>
        [emit.Reshape(outputSignals[0]!, emit.Shape(node.Input[0]))];
}
