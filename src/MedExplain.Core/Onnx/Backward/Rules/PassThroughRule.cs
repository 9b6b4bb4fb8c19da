using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Identity, inference-mode Dropout, Cast between float types: the signal passes unchanged.</summary>
internal sealed class PassThroughRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit) => [outputSignals[0]];
}
