namespace MedExplain.Methods.Perturbation;

/// <summary>
/// SLIC-style superpixels (2D) and supervoxels (3D): k-means on (intensity, position) started from a regular grid, each
/// voxel compared only with the centres of nearby cells, so segments follow edges but stay compact.
/// </summary>
internal static class Superpixels
{
    private const int Iterations = 6;
    private const double Compactness = 0.5;

    /// <summary>Labels for one item (channels first; intensity is the channel mean), about <paramref name="cells"/> segments per axis.</summary>
    public static FloatTensor Slic(ReadOnlySpan<float> item, int[] itemShape, int cells)
    {
        int[] spatial = itemShape[1..];
        int rank = spatial.Length, channels = itemShape[0], count = spatial.Aggregate(1, (a, b) => a * b);
        var intensity = new double[count];
        for (int c = 0; c < channels; c++)
        {
            for (int v = 0; v < count; v++)
            {
                intensity[v] += item[(c * count) + v] / channels;
            }
        }

        double range = Math.Max(intensity.Max() - intensity.Min(), 1e-12);
        double[] step = [.. spatial.Select(s => Math.Max(1.0, s / (double)cells))];
        int[] grid = [.. spatial.Select((s, d) => Math.Max(1, (int)Math.Round(s / step[d])))];
        int centres = grid.Aggregate(1, (a, b) => a * b);

        // Centre k: position (rank values) and intensity, started at the middle of grid cell k.
        var position = new double[centres, rank];
        var level = new double[centres];
        for (int k = 0; k < centres; k++)
        {
            int voxel = 0;
            for (int d = rank - 1, rest = k, stride = 1; d >= 0; d--)
            {
                position[k, d] = ((rest % grid[d]) + 0.5) * spatial[d] / grid[d];
                rest /= grid[d];
                voxel += Math.Min(spatial[d] - 1, (int)position[k, d]) * stride;
                stride *= spatial[d];
            }

            level[k] = intensity[voxel];
        }

        var label = new int[count];
        var at = new int[rank];
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            for (int v = 0; v < count; v++)
            {
                for (int d = rank - 1, rest = v; d >= 0; d--)
                {
                    at[d] = rest % spatial[d];
                    rest /= spatial[d];
                }

                // The cell holding v and its neighbours along every axis.
                double best = double.MaxValue;
                int neighbours = (int)Math.Pow(3, rank);
                for (int n = 0; n < neighbours; n++)
                {
                    int k = 0;
                    bool valid = true;
                    for (int d = 0, rest = n; d < rank; d++)
                    {
                        int cell = Math.Min(grid[d] - 1, (int)(at[d] * grid[d] / (double)spatial[d])) + (rest % 3) - 1;
                        rest /= 3;
                        valid &= cell >= 0 && cell < grid[d];
                        k = (k * grid[d]) + cell;
                    }

                    if (!valid)
                    {
                        continue;
                    }

                    double space = 0;
                    for (int d = 0; d < rank; d++)
                    {
                        double offset = (at[d] + 0.5 - position[k, d]) / step[d];
                        space += offset * offset;
                    }

                    double colour = (intensity[v] - level[k]) / range * 10;
                    double distance = (colour * colour) + (Compactness * Compactness * space);
                    if (distance < best)
                    {
                        (best, label[v]) = (distance, k);
                    }
                }
            }

            var sums = new double[centres, rank + 1];
            var sizes = new int[centres];
            for (int v = 0; v < count; v++)
            {
                int k = label[v];
                sizes[k]++;
                sums[k, rank] += intensity[v];
                for (int d = rank - 1, rest = v; d >= 0; d--)
                {
                    sums[k, d] += (rest % spatial[d]) + 0.5;
                    rest /= spatial[d];
                }
            }

            for (int k = 0; k < centres; k++)
            {
                if (sizes[k] == 0)
                {
                    continue;
                }

                level[k] = sums[k, rank] / sizes[k];
                for (int d = 0; d < rank; d++)
                {
                    position[k, d] = sums[k, d] / sizes[k];
                }
            }
        }

        return new FloatTensor(spatial, [.. label.Select(l => (float)l)]);
    }
}
