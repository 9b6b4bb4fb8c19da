using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>LogSoftmax gradient: dX = dY − exp(Y) · Σ dY over the softmax axes.</summary>
internal sealed class LogSoftmaxRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string dy = outputSignals[0]!;
        string total = emit.ReduceSum(dy, SoftmaxRule.SoftmaxAxes(node, emit), keepDims: true);
        return [emit.Binary("Sub", dy, emit.Binary("Mul", emit.Unary("Exp", node.Output[0]), total))];
    }
}
