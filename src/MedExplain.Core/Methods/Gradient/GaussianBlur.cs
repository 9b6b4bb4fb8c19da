namespace MedExplain.Methods.Gradient;

/// <summary>Separable Gaussian blur over the spatial axes of one (C, spatial…) item, edges clamped.</summary>
internal static class GaussianBlur
{
    public static void Apply(ReadOnlySpan<float> source, Span<float> destination, int[] itemShape, double sigma)
    {
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        double[] kernel = [.. Enumerable.Range(-radius, (2 * radius) + 1).Select(d => Math.Exp(-d * d / (2 * sigma * sigma)))];
        double total = kernel.Sum();
        float[] weights = [.. kernel.Select(k => (float)(k / total))];
        float[] current = source.ToArray();
        var next = new float[current.Length];
        for (int axis = 1; axis < itemShape.Length; axis++)
        {
            int stride = (int)FloatTensor.ElementCount(itemShape.AsSpan(axis + 1));
            int length = itemShape[axis];
            for (int i = 0; i < current.Length; i++)
            {
                int position = i / stride % length;
                double sum = 0;
                for (int k = -radius; k <= radius; k++)
                {
                    int p = Math.Clamp(position + k, 0, length - 1);
                    sum += weights[k + radius] * current[i + ((p - position) * stride)];
                }

                next[i] = (float)sum;
            }

            (current, next) = (next, current);
        }

        current.CopyTo(destination);
    }
}
