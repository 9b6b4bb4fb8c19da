using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Inference-mode BatchNormalization gradient: a per-channel scale, dX = dY · γ / √(σ² + ε).</summary>
internal sealed class BatchNormalizationRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        if (NodeAttributes.Whole(node, "training_mode", 0) != 0 || node.Output.Count > 1)
        {
            throw new NotSupportedException($"BatchNormalization '{node.Name}' is in training mode; export the model in eval mode.");
        }

        int[] x = emit.Shape(node.Input[0]);
        float epsilon = NodeAttributes.Real(node, "epsilon", 1e-5f);
        string deviation = emit.Unary("Sqrt", emit.Binary("Add", node.Input[4], emit.Scalar(epsilon)));
        string factor = emit.Reshape(emit.Binary("Div", node.Input[1], deviation), [x[1], .. Enumerable.Repeat(1, x.Length - 2)]);
        return [emit.Binary("Mul", outputSignals[0]!, factor), null, null, null, null];
    }
}
