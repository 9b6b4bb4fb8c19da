using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>InstanceNormalization gradient with respect to X: statistics per item and channel over the spatial axes,
/// scale per channel.</summary>
internal sealed class InstanceNormalizationRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        int[] x = emit.Shape(node.Input[0]);
        float epsilon = NodeAttributes.Real(node, "epsilon", 1e-5f);
        string scale = emit.Reshape(node.Input[1], [x[1], .. Enumerable.Repeat(1, x.Length - 2)]);
        string g = emit.Binary("Mul", outputSignals[0]!, scale);
        return [NormalizationGradient.Emit(emit, node.Input[0], g, [.. Enumerable.Range(2, x.Length - 2)], epsilon), null, null];
    }
}
