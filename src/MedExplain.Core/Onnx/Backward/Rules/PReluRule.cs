using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>PReLU gradient with respect to X: dX = dY where X &gt; 0, else slope·dY (slope broadcast).</summary>
internal sealed class PReluRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string dy = outputSignals[0]!;
        string positive = emit.Binary("Greater", node.Input[0], emit.Scalar(0));
        string scaled = emit.Reshape(emit.Binary("Mul", dy, node.Input[1]), emit.Shape(dy));
        return [emit.Where(positive, dy, scaled), null];
    }
}
