using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>ReduceMax and ReduceMin: dY shared evenly by the positions that hold the extreme (torch's amax/amax rule
/// for ties). ReduceL2, √ΣX²: dY·X/Y (0 where Y = 0). ReduceSumSquare: 2X·dY. ReduceLogSumExp: dY·exp(X − Y).</summary>
internal sealed class ReduceExtremeRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string x = node.Input[0];
        int[] shape = emit.Shape(x);
        (HashSet<int> reduced, int[] kept) = Reduced(node, emit);
        string dy = emit.Reshape(outputSignals[0]!, kept), y = emit.Reshape(node.Output[0], kept);
        string slope = node.OpType switch
        {
            "ReduceL2" => emit.Binary("Div", x, emit.Where(emit.Binary("Greater", y, emit.Scalar(0)), y, emit.Scalar(1))),
            "ReduceSumSquare" => emit.Binary("Mul", x, emit.Scalar(2)),
            "ReduceLogSumExp" => emit.Unary("Exp", emit.Binary("Sub", x, y)),
            _ => Ties(emit, x, y, reduced),
        };
        return [emit.Binary("Mul", emit.Expand(dy, shape), slope), null];
    }

    /// <summary>The axes a reduction node reduces (attribute, or a constant input from opset 18; none means all) and its
    /// output's shape with those axes kept as size 1.</summary>
    public static (HashSet<int> Axes, int[] Kept) Reduced(NodeProto node, BackwardEmitter emit)
    {
        int[] shape = emit.Shape(node.Input[0]);
        long[]? axes = NodeAttributes.Integers(node, "axes");
        if (axes is null && node.Input.Count > 1 && node.Input[1].Length > 0)
        {
            axes = emit.IntegerConstant(node.Input[1]) ?? throw new NotSupportedException($"{node.OpType} '{node.Name}' computes its axes at run time.");
        }

        if ((axes is null || axes.Length == 0) && NodeAttributes.Whole(node, "noop_with_empty_axes", 0) == 1)
        {
            throw new NotSupportedException($"{node.OpType} '{node.Name}' reduces nothing (noop_with_empty_axes).");
        }

        var reduced = (axes is null || axes.Length == 0 ? Enumerable.Range(0, shape.Length) : axes.Select(a => (int)(a < 0 ? a + shape.Length : a))).ToHashSet();
        return (reduced, [.. shape.Select((d, i) => reduced.Contains(i) ? 1 : d)]);
    }

    private static string Ties(BackwardEmitter emit, string x, string y, IReadOnlyCollection<int> reduced)
    {
        string winners = emit.Node("Cast", [emit.Compare("Equal", x, y)], emit.Shape(x), ("to", (long)TensorProto.Types.DataType.Float));
        return emit.Binary("Div", winners, emit.ReduceSum(winners, reduced, keepDims: true));
    }
}
