using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>GlobalAveragePool gradient: dY spread evenly over every spatial position: dX = dY / (H·W[·D]).</summary>
internal sealed class GlobalAveragePoolRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        int[] x = emit.Shape(node.Input[0]);
        int positions = x.Skip(2).Aggregate(1, (p, d) => p * d);
        return [emit.Expand(emit.Binary("Mul", outputSignals[0]!, emit.Scalar(1f / positions)), x)];
    }
}
