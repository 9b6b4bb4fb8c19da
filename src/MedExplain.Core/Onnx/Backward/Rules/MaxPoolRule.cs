using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>MaxPool gradient: each output's signal goes to the input element that won its window, added up where
/// windows overlap (every ResNet stem). Reads the forward node's Indices output (added when the model does not ask for
/// it). From opset 16: ScatterElements with reduction "add" over the flattened input. Before it (no reduction, and
/// plain scatter or MaxUnpool lose overlapping contributions): the index of the winner within its window selects one of
/// the kernel's K offsets, and a grouped ConvTranspose with one-hot kernels puts each output's signal at that offset.</summary>
internal sealed class MaxPoolRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        if (NodeAttributes.Whole(node, "storage_order", 0) != 0)
        {
            throw new NotSupportedException($"MaxPool '{node.Name}' uses column-major storage_order.");
        }

        int[] x = emit.Shape(node.Input[0]), y = emit.Shape(node.Output[0]);
        if (node.Output.Count < 2 || node.Output[1].Length == 0)
        {
            string name = node.Output[0] + "/indices";
            if (node.Output.Count < 2)
            {
                node.Output.Add(name);
            }
            else
            {
                node.Output[1] = name;
            }
        }

        emit.DeclareShape(node.Output[1], y);
        return [emit.Opset >= 16 ? Scatter(node.Output[1], outputSignals[0]!, x, y, emit) : OneHotTranspose(node, outputSignals[0]!, x, y, emit)];
    }

    private static string Scatter(string indices, string signal, int[] x, int[] y, BackwardEmitter emit)
    {
        int inputCount = x.Aggregate(1, (p, d) => p * d), outputCount = y.Aggregate(1, (p, d) => p * d);
        string zeros = emit.Expand(emit.Scalar(0), [inputCount]);
        string scattered = emit.Node("ScatterElements", [zeros, emit.Reshape(indices, [outputCount]), emit.Reshape(signal, [outputCount])], [inputCount], ("axis", 0L), ("reduction", "add"));
        return emit.Reshape(scattered, x);
    }

    /// <summary>Indices count over the whole input (batch and channel included, padding not); from them, each spatial
    /// coordinate minus its window's origin, divided by the dilation, is the winner's offset within the kernel.</summary>
    private static string OneHotTranspose(NodeProto node, string signal, int[] x, int[] y, BackwardEmitter emit)
    {
        int spatial = x.Length - 2, channels = x[1];
        long[] kernel = NodeAttributes.Integers(node, "kernel_shape")!;
        var geometry = ConvGeometry.Of(node, x, y, kernel);
        int windowSize = (int)kernel.Aggregate(1L, (p, k) => p * k);

        string offset = emit.Ints(0);
        long elementStride = 1, kernelStride = 1;
        for (int axis = spatial - 1; axis >= 0; axis--)
        {
            // coordinate = (index / elementStride) mod size; mod as a − (a / b)·b, which every opset has for int64.
            string scaled = emit.Binary("Div", node.Output[1], emit.Ints(elementStride));
            string size = emit.Ints(x[axis + 2]);
            string coordinate = emit.Binary("Sub", scaled, emit.Binary("Mul", emit.Binary("Div", scaled, size), size));
            int[] originShape = [.. Enumerable.Range(0, x.Length).Select(d => d == axis + 2 ? y[d] : 1)];
            long[] origins = [.. Enumerable.Range(0, y[axis + 2]).Select(o => (o * geometry.Strides[axis]) - geometry.Pads[axis])];
            string origin = emit.Node("Reshape", [emit.Ints(origins), emit.Ints([.. originShape.Select(d => (long)d)])], originShape);
            string within = emit.Binary("Div", emit.Binary("Sub", coordinate, origin), emit.Ints(geometry.Dilations[axis]));
            offset = emit.Binary("Add", offset, emit.Binary("Mul", within, emit.Ints(kernelStride)));
            elementStride *= x[axis + 2];
            kernelStride *= kernel[axis];
        }

        // Masks (N, C, K, out…): 1 where the window's winner sits at kernel offset k; times the signal.
        int[] perOffset = [y[0], channels, 1, .. y[2..]];
        int[] rangeShape = [1, 1, windowSize, .. Enumerable.Repeat(1, spatial)];
        string range = emit.Node("Reshape", [emit.Ints([.. Enumerable.Range(0, windowSize).Select(k => (long)k)]), emit.Ints([.. rangeShape.Select(d => (long)d)])], rangeShape);
        string masks = emit.Node("Cast", [emit.Binary("Equal", emit.Reshape(offset, perOffset), range)], [y[0], channels, windowSize, .. y[2..]], ("to", (long)TensorProto.Types.DataType.Float));
        string stacked = emit.Reshape(emit.Binary("Mul", masks, emit.Reshape(signal, perOffset)), [y[0], channels * windowSize, .. y[2..]]);

        var weights = new float[channels * windowSize * windowSize];
        for (int c = 0; c < channels; c++)
        {
            for (int k = 0; k < windowSize; k++)
            {
                weights[(((c * windowSize) + k) * windowSize) + k] = 1;
            }
        }

        string weight = emit.Floats([channels * windowSize, 1, .. kernel.Select(k => (int)k)], weights);
        return geometry.Transpose(emit, stacked, weight, channels, x, y);
    }
}
