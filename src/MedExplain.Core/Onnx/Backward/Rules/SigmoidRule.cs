using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Sigmoid gradient: dX = dY · Y · (1 − Y).</summary>
internal sealed class SigmoidRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string y = node.Output[0];
        string slope = emit.Binary("Mul", y, emit.Binary("Sub", emit.Scalar(1), y));
        return [emit.Binary("Mul", outputSignals[0]!, slope)];
    }
}
