using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>DeepLIFT for ReduceSumSquare and ReduceL2 in closed form: Δ(Σx²) = Σ(x + x̄)·Δx exactly, and
/// Δ√s = Δs/(√s + √s̄), so x's multiplier is (x + x̄) for the sum of squares and (x + x̄)/(y + ȳ) for the norm (0 where
/// both norms are 0).</summary>
internal sealed class DeepLiftSquareSumRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string x = node.Input[0];
        int[] shape = emit.Shape(x);
        (_, int[] kept) = ReducedAxes.Of(node, emit);
        string slope = emit.Binary("Add", x, emit.Reference(x));
        if (node.OpType == "ReduceL2")
        {
            string norms = emit.Binary("Add", emit.Reshape(node.Output[0], kept), emit.Reshape(emit.Reference(node.Output[0]), kept));
            string positive = emit.Binary("Greater", norms, emit.Scalar(0));
            slope = emit.Where(positive, emit.Binary("Div", slope, emit.Where(positive, norms, emit.Scalar(1))), emit.Scalar(0));
        }

        return [emit.Binary("Mul", emit.Expand(emit.Reshape(outputSignals[0]!, kept), shape), slope), null];
    }
}
