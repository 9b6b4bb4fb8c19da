using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>ConvTranspose gradient with respect to its input: a Conv of dY with the same weights, strides, dilations,
/// pads and groups (ConvTranspose is the transpose of that Conv). Pads set through output_shape or auto_pad are made
/// explicit from the shapes first.</summary>
internal sealed class ConvTransposeRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        int[] x = emit.Shape(node.Input[0]), y = emit.Shape(node.Output[0]), w = emit.Shape(node.Input[1]);
        int spatial = x.Length - 2;
        long[] kernel = NodeAttributes.Integers(node, "kernel_shape") ?? [.. w.Skip(2).Select(d => (long)d)];
        long[] strides = NodeAttributes.Integers(node, "strides") ?? [.. Enumerable.Repeat(1L, spatial)];
        long[] dilations = NodeAttributes.Integers(node, "dilations") ?? [.. Enumerable.Repeat(1L, spatial)];
        long[] outputPadding = NodeAttributes.Integers(node, "output_padding") ?? new long[spatial];
        long[] pads = NodeAttributes.Integers(node, "pads") ?? new long[2 * spatial];
        string autoPad = NodeAttributes.Text(node, "auto_pad", "NOTSET");
        if (NodeAttributes.Integers(node, "output_shape") is not null || autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            for (int i = 0; i < spatial; i++)
            {
                long total = ((x[i + 2] - 1) * strides[i]) + outputPadding[i] + (dilations[i] * (kernel[i] - 1)) + 1 - y[i + 2];
                (pads[i], pads[i + spatial]) = autoPad == "SAME_LOWER" ? (total - (total / 2), total / 2) : (total / 2, total - (total / 2));
            }
        }

        string dx = emit.Node(
            "Conv", [outputSignals[0]!, node.Input[1]], x,
            ("kernel_shape", kernel), ("strides", strides), ("dilations", dilations), ("pads", pads), ("group", NodeAttributes.Whole(node, "group", 1)));
        return [dx, null, null];
    }
}
