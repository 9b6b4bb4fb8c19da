namespace MedExplain.Imaging.Transforms;

/// <summary>Linear resampling of a 3D grid to another size, axis by axis, with voxel centres aligned as torch's interpolate(align_corners=False) does.</summary>
public static class Resampler
{
    /// <summary>Resamples one channel from <paramref name="dims"/> to <paramref name="size"/>.</summary>
    /// <param name="values">Voxels, i fastest.</param>
    /// <param name="dims">Their dims (i, j, k).</param>
    /// <param name="size">The wanted dims (i, j, k).</param>
    public static float[] Linear(ReadOnlySpan<float> values, int[] dims, int[] size)
    {
        ArgumentNullException.ThrowIfNull(dims);
        ArgumentNullException.ThrowIfNull(size);
        float[] current = values.ToArray();
        int[] shape = [.. dims];
        for (int axis = 0; axis < 3; axis++)
        {
            if (shape[axis] != size[axis])
            {
                current = AlongAxis(current, shape, axis, size[axis]);
                shape[axis] = size[axis];
            }
        }

        return current;
    }

    /// <summary>Nearest-neighbour resampling, for label maps whose values must not blend.</summary>
    /// <param name="values">Labels, i fastest.</param>
    /// <param name="dims">Their dims (i, j, k).</param>
    /// <param name="size">The wanted dims (i, j, k).</param>
    public static float[] Nearest(ReadOnlySpan<float> values, int[] dims, int[] size)
    {
        ArgumentNullException.ThrowIfNull(dims);
        ArgumentNullException.ThrowIfNull(size);
        int[][] source = [.. Enumerable.Range(0, 3).Select(a => Enumerable.Range(0, size[a]).Select(t => Math.Clamp((int)Math.Round(SourceCoordinate(t, dims[a], size[a]), MidpointRounding.AwayFromZero), 0, dims[a] - 1)).ToArray())];
        var result = new float[size[0] * size[1] * size[2]];
        int n = 0;
        for (int k = 0; k < size[2]; k++)
        {
            for (int j = 0; j < size[1]; j++)
            {
                for (int i = 0; i < size[0]; i++)
                {
                    result[n++] = values[source[0][i] + (dims[0] * (source[1][j] + (dims[1] * source[2][k])))];
                }
            }
        }

        return result;
    }

    /// <summary>Gets the source coordinate of target voxel <paramref name="index"/> when <paramref name="from"/> voxels become <paramref name="to"/>.</summary>
    /// <param name="index">Target index.</param>
    /// <param name="from">Source count.</param>
    /// <param name="to">Target count.</param>
    public static double SourceCoordinate(int index, int from, int to) => ((index + 0.5) * from / to) - 0.5;

    private static float[] AlongAxis(float[] values, int[] shape, int axis, int size)
    {
        int inner = axis == 0 ? 1 : axis == 1 ? shape[0] : shape[0] * shape[1];
        int outer = values.Length / (inner * shape[axis]);
        int from = shape[axis];
        var result = new float[inner * size * outer];
        for (int t = 0; t < size; t++)
        {
            double x = Math.Clamp(SourceCoordinate(t, from, size), 0, from - 1);
            int low = (int)Math.Floor(x), high = Math.Min(low + 1, from - 1);
            float w = (float)(x - low);
            for (int o = 0; o < outer; o++)
            {
                int source = o * from * inner, target = (o * size * inner) + (t * inner);
                for (int n = 0; n < inner; n++)
                {
                    result[target + n] = ((1 - w) * values[source + (low * inner) + n]) + (w * values[source + (high * inner) + n]);
                }
            }
        }

        return result;
    }
}
