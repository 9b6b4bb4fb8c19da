using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>ReduceSum and ReduceMean gradients: dY broadcast back over the reduced axes (divided by their size for a
/// mean). Axes come from the attribute or, in newer opsets, from a constant input; none means all axes.</summary>
internal sealed class ReduceRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        int[] x = emit.Shape(node.Input[0]);
        (HashSet<int> reduced, int[] kept) = ReducedAxes.Of(node, emit);
        if (reduced.Count == 0)
        {
            return [outputSignals[0], null]; // noop_with_empty_axes
        }

        string dy = emit.Reshape(outputSignals[0]!, kept);
        if (node.OpType == "ReduceMean")
        {
            int count = reduced.Aggregate(1, (p, a) => p * x[a]);
            dy = emit.Binary("Mul", dy, emit.Scalar(1f / count));
        }

        return [emit.Expand(dy, x), null];
    }
}
