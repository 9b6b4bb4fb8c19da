using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>ReLU gradient: dX = dY where X &gt; 0, else 0.</summary>
internal sealed class ReluRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string positive = emit.Binary("Greater", node.Input[0], emit.Scalar(0));
        return [emit.Where(positive, outputSignals[0]!, emit.Scalar(0))];
    }
}
