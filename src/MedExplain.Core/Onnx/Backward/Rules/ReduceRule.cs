using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>ReduceSum and ReduceMean gradients: dY broadcast back over the reduced axes (divided by their size for a
/// mean). Axes come from the attribute or, in newer opsets, from a constant input; none means all axes.</summary>
internal sealed class ReduceRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        int[] x = emit.Shape(node.Input[0]);
        long[]? axes = NodeAttributes.Integers(node, "axes");
        if (axes is null && node.Input.Count > 1 && node.Input[1].Length > 0)
        {
            axes = emit.IntegerConstant(node.Input[1]) ?? throw new NotSupportedException($"{node.OpType} '{node.Name}' computes its axes at run time.");
        }

        bool noopWhenEmpty = NodeAttributes.Whole(node, "noop_with_empty_axes", 0) == 1;
        if ((axes is null || axes.Length == 0) && noopWhenEmpty)
        {
            return [outputSignals[0], null];
        }

        var reduced = (axes is null || axes.Length == 0 ? Enumerable.Range(0, x.Length) : axes.Select(a => (int)(a < 0 ? a + x.Length : a))).ToHashSet();
        int[] kept = [.. x.Select((d, i) => reduced.Contains(i) ? 1 : d)];
        string dy = emit.Reshape(outputSignals[0]!, kept);
        if (node.OpType == "ReduceMean")
        {
            int count = reduced.Aggregate(1, (p, a) => p * x[a]);
            dy = emit.Binary("Mul", dy, emit.Scalar(1f / count));
        }

        return [emit.Expand(dy, x), null];
    }
}
