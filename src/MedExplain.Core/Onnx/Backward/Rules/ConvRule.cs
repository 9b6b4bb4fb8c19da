using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Conv gradient with respect to its input: ConvTranspose of dY with the same weights, strides, dilations,
/// groups and explicit pads, and an output_padding computed so the result has the input's exact shape (the
/// output_shape attribute misplaces asymmetric padding, so it is never used).</summary>
internal sealed class ConvRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        int[] x = emit.Shape(node.Input[0]), y = emit.Shape(node.Output[0]), w = emit.Shape(node.Input[1]);
        long[] kernel = NodeAttributes.Integers(node, "kernel_shape") ?? [.. w.Skip(2).Select(d => (long)d)];
        var geometry = ConvGeometry.Of(node, x, y, kernel);
        string dx = geometry.Transpose(emit, outputSignals[0]!, node.Input[1], NodeAttributes.Whole(node, "group", 1), x, y);
        return [dx, null, null];
    }
}
