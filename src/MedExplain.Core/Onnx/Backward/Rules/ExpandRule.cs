using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Expand gradient: dY summed back over the broadcast axes to the input's shape.</summary>
internal sealed class ExpandRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit) =>
        [emit.Unbroadcast(outputSignals[0]!, emit.Shape(node.Input[0])), null];
}
