using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Split gradient: the outputs' signals joined back along the split axis (zeros where an output sends none).</summary>
internal sealed class SplitRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        int[] x = emit.Shape(node.Input[0]);
        int axis = (int)NodeAttributes.Whole(node, "axis", 0);
        axis = axis < 0 ? axis + x.Length : axis;
        string[] parts = [.. node.Output.Select((o, i) => outputSignals[i] ?? emit.Zeros(emit.Shape(o)))];
        return [emit.Node("Concat", parts, x, ("axis", (long)axis)), null];
    }
}
