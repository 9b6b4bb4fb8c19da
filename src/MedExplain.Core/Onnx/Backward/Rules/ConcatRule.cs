using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Concat gradient: each input gets its own slice of dY along the concatenation axis.</summary>
internal sealed class ConcatRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        int[] y = emit.Shape(node.Output[0]);
        int axis = (int)NodeAttributes.Whole(node, "axis", 0);
        axis = axis < 0 ? axis + y.Length : axis;
        var signals = new string?[node.Input.Count];
        int start = 0;
        for (int i = 0; i < node.Input.Count; i++)
        {
            int[] shape = emit.Shape(node.Input[i]);
            signals[i] = emit.Slice(outputSignals[0]!, [start], [start + shape[axis]], [axis], shape);
            start += shape[axis];
        }

        return signals;
    }
}
