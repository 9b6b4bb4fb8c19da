using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>ReduceMax and ReduceMin: dY shared evenly by the positions that hold the extreme (torch's amax/amin rule
/// for ties). ReduceL2, √ΣX²: dY·X/Y (0 where Y = 0). ReduceSumSquare: 2X·dY. ReduceLogSumExp: dY·exp(X − Y).</summary>
internal sealed class ReduceExtremeRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string x = node.Input[0];
        int[] shape = emit.Shape(x);
        (HashSet<int> reduced, int[] kept) = ReducedAxes.Of(node, emit);
        if (reduced.Count == 0 && node.OpType is "ReduceMax" or "ReduceMin")
        {
            return [outputSignals[0], null]; // noop_with_empty_axes: the identity
        }

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

    private static string Ties(BackwardEmitter emit, string x, string y, IReadOnlyCollection<int> reduced)
    {
        string winners = emit.Node("Cast", [emit.Compare("Equal", x, y)], emit.Shape(x), ("to", (long)TensorProto.Types.DataType.Float));
        return emit.Binary("Div", winners, emit.ReduceSum(winners, reduced, keepDims: true));
    }
}
