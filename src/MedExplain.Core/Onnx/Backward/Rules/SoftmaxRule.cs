using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Softmax gradient: dX = Y ⊙ (dY − Σ(dY ⊙ Y)), the sum over the softmax axis (opset 13+) or over every
/// axis from <c>axis</c> on (older opsets flatten to 2-D there).</summary>
internal sealed class SoftmaxRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string y = node.Output[0];
        int[] axes = SoftmaxAxes(node, emit);
        string dy = outputSignals[0]!;
        string weighted = emit.ReduceSum(emit.Binary("Mul", dy, y), axes, keepDims: true);
        return [emit.Binary("Mul", y, emit.Binary("Sub", dy, weighted))];
    }

    /// <summary>The axes a (Log)Softmax normalises over.</summary>
    public static int[] SoftmaxAxes(NodeProto node, BackwardEmitter emit)
    {
        int rank = emit.Shape(node.Input[0]).Length;
        int axis = (int)NodeAttributes.Whole(node, "axis", emit.Opset >= 13 ? -1 : 1);
        axis = axis < 0 ? axis + rank : axis;
        return emit.Opset >= 13 ? [axis] : [.. Enumerable.Range(axis, rank - axis)];
    }
}
