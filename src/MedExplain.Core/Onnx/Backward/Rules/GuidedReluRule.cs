using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Guided Backprop at a ReLU (Springenberg et al., 2015): dX = max(dY, 0) where X &gt; 0, else 0.</summary>
internal sealed class GuidedReluRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string positiveInput = emit.Binary("Greater", node.Input[0], emit.Scalar(0));
        return [emit.Where(positiveInput, emit.Unary("Relu", outputSignals[0]!), emit.Scalar(0))];
    }
}
