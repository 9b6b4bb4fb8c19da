using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>Slice gradient (unit steps): dY padded with zeros back to the input's shape.</summary>
internal sealed class SliceRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        int[] x = emit.Shape(node.Input[0]);
        long[] starts = Read(node, emit, 1, "starts")!;
        long[] ends = Read(node, emit, 2, "ends")!;
        long[] axes = Read(node, emit, 3, "axes") ?? [.. Enumerable.Range(0, starts.Length).Select(a => (long)a)];
        long[] steps = Read(node, emit, 4, null) ?? [.. Enumerable.Repeat(1L, starts.Length)];
        if (steps.Any(s => s != 1))
        {
            throw new NotSupportedException($"Slice '{node.Name}' uses steps other than 1.");
        }

        var pads = new long[2 * x.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            int axis = (int)(axes[i] < 0 ? axes[i] + x.Length : axes[i]);
            long dim = x[axis];
            long start = Math.Clamp(starts[i] < 0 ? starts[i] + dim : starts[i], 0, dim);
            long end = Math.Clamp(ends[i] < 0 ? ends[i] + dim : ends[i], 0, dim);
            pads[axis] = start;
            pads[axis + x.Length] = dim - Math.Max(start, end);
        }

        return [emit.Pad(outputSignals[0]!, pads, x), null, null, null, null];
    }

    /// <summary>A constant input (opset 10+) or the attribute of older opsets.</summary>
    private static long[]? Read(NodeProto node, BackwardEmitter emit, int input, string? attribute)
    {
        if (node.Input.Count > input && node.Input[input].Length > 0)
        {
            return emit.IntegerConstant(node.Input[input]) ?? throw new NotSupportedException($"Slice '{node.Name}' computes its bounds at run time.");
        }

        return attribute is null ? null : NodeAttributes.Integers(node, attribute);
    }
}
