using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>AveragePool gradient: dY divided by each window's element count, spread back over the window by a
/// depthwise ConvTranspose with a kernel of ones. Counts are computed at compile time per output position, so
/// padding with or without count_include_pad and ceil_mode windows are exact.</summary>
internal sealed class AveragePoolRule : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        int[] x = emit.Shape(node.Input[0]), y = emit.Shape(node.Output[0]);
        long[] kernel = NodeAttributes.Integers(node, "kernel_shape")!;
        var geometry = ConvGeometry.Of(node, x, y, kernel);
        bool countPads = NodeAttributes.Whole(node, "count_include_pad", 0) == 1;
        string perWindow = emit.Binary("Mul", outputSignals[0]!, emit.Floats([1, 1, .. y.Skip(2)], InverseCounts(geometry, x, y, countPads)));
        int channels = x[1];
        string ones = emit.Floats([channels, 1, .. kernel.Select(k => (int)k)], [.. Enumerable.Repeat(1f, channels * (int)kernel.Aggregate(1L, (p, k) => p * k))]);
        return [geometry.Transpose(emit, perWindow, ones, channels, x, y)];
    }

    /// <summary>1 / (number of elements each output window averages), as a row-major (out spatial) array.</summary>
    private static float[] InverseCounts(ConvGeometry g, int[] x, int[] y, bool countPads)
    {
        int spatial = x.Length - 2;
        var perAxis = new int[spatial][];
        for (int axis = 0; axis < spatial; axis++)
        {
            long low = countPads ? -g.Pads[axis] : 0, high = countPads ? x[axis + 2] + g.Pads[axis + spatial] : x[axis + 2];
            perAxis[axis] = new int[y[axis + 2]];
            for (int o = 0; o < y[axis + 2]; o++)
            {
                for (long k = 0; k < g.Kernel[axis]; k++)
                {
                    long at = (o * g.Strides[axis]) - g.Pads[axis] + (k * g.Dilations[axis]);
                    perAxis[axis][o] += at >= low && at < high ? 1 : 0;
                }
            }
        }

        int total = y.Skip(2).Aggregate(1, (p, d) => p * d);
        var inverse = new float[total];
        for (int flat = 0; flat < total; flat++)
        {
            int rest = flat, count = 1;
            for (int axis = spatial - 1; axis >= 0; axis--)
            {
                count *= perAxis[axis][rest % y[axis + 2]];
                rest /= y[axis + 2];
            }

            inverse[flat] = count == 0 ? 0 : 1f / count;
        }

        return inverse;
    }
}
