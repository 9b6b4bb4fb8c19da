using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Clip gradient: dX = dY where min ≤ X ≤ max, else 0. The bounds are inputs from opset 11 and attributes
/// before it (Hardtanh and ReLU6 at older opsets).</summary>
internal sealed class ClipRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        string x = node.Input[0];
        string dy = outputSignals[0]!;
        if (Bound(node, emit, 1, "min") is { } min)
        {
            dy = emit.Where(emit.Compare("GreaterOrEqual", x, min), dy, emit.Scalar(0));
        }

        if (Bound(node, emit, 2, "max") is { } max)
        {
            dy = emit.Where(emit.Compare("LessOrEqual", x, max), dy, emit.Scalar(0));
        }

        return [emit.Reshape(dy, emit.Shape(x)), null, null];
    }

    private static string? Bound(NodeProto node, BackwardEmitter emit, int input, string attribute)
    {
        if (emit.Opset >= 11)
        {
            return node.Input.Count > input && node.Input[input].Length > 0 ? node.Input[input] : null;
        }

        return node.Attribute.Any(a => a.Name == attribute) ? emit.Scalar(NodeAttributes.Real(node, attribute, 0)) : null;
    }
}
