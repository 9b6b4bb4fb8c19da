using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>LayerNormalization (opset 17) gradient with respect to X, over the axes from <c>axis</c> on.</summary>
internal sealed class LayerNormalizationRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        int[] x = emit.Shape(node.Input[0]);
        int axis = (int)NodeAttributes.Whole(node, "axis", -1);
        axis = axis < 0 ? axis + x.Length : axis;
        float epsilon = NodeAttributes.Real(node, "epsilon", 1e-5f);
        string g = emit.Binary("Mul", outputSignals[0]!, node.Input[1]);
        return [NormalizationGradient.Emit(emit, node.Input[0], g, [.. Enumerable.Range(axis, x.Length - axis)], epsilon), null, null];
    }
}
