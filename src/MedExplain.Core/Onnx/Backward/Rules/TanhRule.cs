using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Tanh gradient: dX = dY · (1 − Y²).</summary>
internal sealed class TanhRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string y = node.Output[0];
        string slope = emit.Binary("Sub", emit.Scalar(1), emit.Binary("Mul", y, y));
        return [emit.Binary("Mul", outputSignals[0]!, slope)];
    }
}
