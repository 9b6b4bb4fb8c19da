using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Which axes a Reduce* node reduces, in every opset's spelling.</summary>
internal static class ReducedAxes
{
    /// <summary>The axes a reduction node reduces (attribute, or a constant input from opset 18; none means all) and its
    /// output's shape with those axes kept as size 1. With noop_with_empty_axes and no axes, none.</summary>
    public static (HashSet<int> Axes, int[] Kept) Of(NodeProto node, BackwardEmitter emit)
    {
        int[] shape = emit.Shape(node.Input[0]);
        long[]? axes = NodeAttributes.Integers(node, "axes");
        if (axes is null && node.Input.Count > 1 && node.Input[1].Length > 0)
        {
            axes = emit.IntegerConstant(node.Input[1]) ?? throw new NotSupportedException($"{node.OpType} '{node.Name}' computes its axes at run time.");
        }

        if ((axes is null || axes.Length == 0) && NodeAttributes.Whole(node, "noop_with_empty_axes", 0) == 1)
        {
            return ([], shape);
        }

        var reduced = (axes is null || axes.Length == 0 ? Enumerable.Range(0, shape.Length) : axes.Select(a => (int)(a < 0 ? a + shape.Length : a))).ToHashSet();
        return (reduced, [.. shape.Select((d, i) => reduced.Contains(i) ? 1 : d)]);
    }
}
