using MedExplain.Onnx.Backward.Rules.Lrp;
using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>PatternNet and PatternAttribution through a linear layer: the backward pass uses the pattern A (PatternNet)
/// or W ⊙ A (PatternAttribution) where the gradient would use the weights W.</summary>
/// <param name="backwardWeights">A or W ⊙ A, shaped like W.</param>
internal sealed class PatternRule(FloatTensor backwardWeights) : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        LrpLayer layer = LrpLayer.Require(node, emit);
        string weights = emit.Floats(backwardWeights.Shape, backwardWeights.Data);
        return layer.Signals(layer.Transpose(outputSignals[0]!, weights));
    }
}
