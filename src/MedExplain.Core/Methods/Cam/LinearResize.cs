namespace MedExplain.Methods.Cam;

/// <summary>Separable linear resizing of a row-major grid with half-pixel centres (align_corners = false), as torch's
/// interpolate and ONNX Resize (linear, half_pixel) do.</summary>
internal static class LinearResize
{
    /// <summary>Upsamples (N, 1, <paramref name="from"/>) maps to (N, 1, <paramref name="to"/>).</summary>
    public static FloatTensor Maps(FloatTensor maps, int[] from, int[] to)
    {
        var result = new FloatTensor([maps.BatchSize, 1, .. to]);
        for (int item = 0; item < maps.BatchSize; item++)
        {
            Apply(maps.Item(item), from, to).CopyTo(result.Data, item * result.ItemSize);
        }

        return result;
    }

    public static float[] Apply(ReadOnlySpan<float> source, int[] sourceSize, int[] targetSize)
    {
        float[] current = source.ToArray();
        int[] size = (int[])sourceSize.Clone();
        for (int axis = 0; axis < size.Length; axis++)
        {
            if (size[axis] == targetSize[axis])
            {
                continue;
            }

            int outer = size[..axis].Aggregate(1, (p, d) => p * d), inner = size[(axis + 1)..].Aggregate(1, (p, d) => p * d);
            int from = size[axis], to = targetSize[axis];
            var next = new float[outer * to * inner];
            double scale = (double)from / to;
            for (int o = 0; o < to; o++)
            {
                double at = Math.Clamp(((o + 0.5) * scale) - 0.5, 0, from - 1);
                int low = (int)Math.Floor(at), high = Math.Min(low + 1, from - 1);
                float w = (float)(at - low);
                for (int a = 0; a < outer; a++)
                {
                    for (int b = 0; b < inner; b++)
                    {
                        float lowValue = current[(((a * from) + low) * inner) + b], highValue = current[(((a * from) + high) * inner) + b];
                        next[(((a * to) + o) * inner) + b] = lowValue + (w * (highValue - lowValue));
                    }
                }
            }

            current = next;
            size[axis] = to;
        }

        return current;
    }
}
