using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>A convolution or pooling window's geometry with explicit pads (auto_pad resolved from the shapes).</summary>
internal sealed record ConvGeometry(long[] Kernel, long[] Strides, long[] Dilations, long[] Pads)
{
    /// <summary>Reads kernel, strides, dilations and pads; SAME_UPPER/SAME_LOWER/VALID become explicit pads.</summary>
    public static ConvGeometry Of(NodeProto node, int[] inputShape, int[] outputShape, long[] kernel)
    {
        int spatial = inputShape.Length - 2;
        long[] strides = NodeAttributes.Integers(node, "strides") ?? [.. Enumerable.Repeat(1L, spatial)];
        long[] dilations = NodeAttributes.Integers(node, "dilations") ?? [.. Enumerable.Repeat(1L, spatial)];
        long[] pads = NodeAttributes.Integers(node, "pads") ?? new long[2 * spatial];
        string autoPad = NodeAttributes.Text(node, "auto_pad", "NOTSET");
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            pads = new long[2 * spatial];
            for (int i = 0; i < spatial; i++)
            {
                long total = Math.Max(0, ((outputShape[i + 2] - 1) * strides[i]) + (dilations[i] * (kernel[i] - 1)) + 1 - inputShape[i + 2]);
                long small = total / 2, large = total - small;
                (pads[i], pads[i + spatial]) = autoPad == "SAME_UPPER" ? (small, large) : (large, small);
            }
        }
        else if (autoPad == "VALID")
        {
            pads = new long[2 * spatial];
        }

        return new ConvGeometry(kernel, strides, dilations, pads);
    }

    /// <summary>The ConvTranspose output_padding that makes its output exactly the forward input's spatial size.</summary>
    public long[] OutputPadding(int[] inputShape, int[] outputShape)
    {
        int spatial = Kernel.Length;
        var padding = new long[spatial];
        for (int i = 0; i < spatial; i++)
        {
            long produced = ((outputShape[i + 2] - 1) * Strides[i]) - Pads[i] - Pads[i + spatial] + (Dilations[i] * (Kernel[i] - 1)) + 1;
            padding[i] = inputShape[i + 2] - produced;
        }

        return padding;
    }

    /// <summary>ConvTranspose of <paramref name="signal"/> with <paramref name="weight"/> back to the input's shape.</summary>
    public string Transpose(BackwardEmitter emit, string signal, string weight, long group, int[] inputShape, int[] outputShape)
    {
        long[] outputPadding = OutputPadding(inputShape, outputShape);
        long[] pads = (long[])Pads.Clone();
        for (int i = 0; i < outputPadding.Length; i++)
        {
            // Windows that ran past the padded input (ceil_mode) send signal to positions that do not exist: crop them.
            if (outputPadding[i] < 0)
            {
                pads[i + Kernel.Length] -= outputPadding[i];
                outputPadding[i] = 0;
            }
        }

        return emit.Node(
            "ConvTranspose", [signal, weight], inputShape,
            ("kernel_shape", Kernel), ("strides", Strides), ("dilations", Dilations), ("pads", pads),
            ("output_padding", outputPadding), ("group", group));
    }
}
