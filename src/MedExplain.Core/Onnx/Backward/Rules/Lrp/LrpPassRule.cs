using Onnx;

namespace MedExplain.Onnx.Backward.Rules.Lrp;

/// <summary>Element-wise activations (ReLU and kin) hand relevance through unchanged: each output's relevance is its input's.</summary>
internal sealed class LrpPassRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit) => [outputSignals[0]];
}
