using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Clip gradient: dX = dY where min ≤ X ≤ max (bounds from inputs, opset 11+), else 0.</summary>
internal sealed class ClipRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string x = node.Input[0];
        string dy = outputSignals[0]!;
        if (node.Input.Count > 1 && node.Input[1].Length > 0)
        {
            dy = emit.Where(emit.Binary("GreaterOrEqual", x, node.Input[1]), dy, emit.Scalar(0));
        }

        if (node.Input.Count > 2 && node.Input[2].Length > 0)
        {
            dy = emit.Where(emit.Binary("LessOrEqual", x, node.Input[2]), dy, emit.Scalar(0));
        }

        return [emit.Reshape(dy, emit.Shape(x)), null, null];
    }
}
