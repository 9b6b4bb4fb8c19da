namespace MedExplain.Methods.Perturbation;

/// <summary>
/// The windows occlusion slides over an item's spatial axes (all channels at once), as Captum places them: along each
/// axis at 0, s, 2s, … while the window fits, so ⌊(size − window)/stride⌋ + 1 positions; voxels no window reaches get 0.
/// </summary>
internal sealed class OcclusionWindows
{
    private readonly int[] _spatial, _window, _stride, _counts;

    public OcclusionWindows(int[] spatial, IReadOnlyList<int>? window, IReadOnlyList<int>? stride)
    {
        _spatial = spatial;
        int rank = spatial.Length;
        _window = [.. Enumerable.Range(0, rank).Select(d => Math.Clamp(Pick(window, d, Math.Max(1, spatial[d] / 8)), 1, spatial[d]))];
        _stride = [.. Enumerable.Range(0, rank).Select(d => Math.Max(1, Pick(stride, d, Math.Max(1, _window[d] / 2))))];
        _counts = [.. Enumerable.Range(0, rank).Select(d => ((spatial[d] - _window[d]) / _stride[d]) + 1)];
        Count = _counts.Aggregate(1, (a, b) => a * b);
    }

    /// <summary>Gets the number of windows.</summary>
    public int Count { get; }

    /// <summary>Gets the window per axis.</summary>
    public IReadOnlyList<int> Window => _window;

    /// <summary>Gets the stride per axis.</summary>
    public IReadOnlyList<int> Stride => _stride;

    /// <summary>Gets the flat spatial index of every voxel of window <paramref name="k"/>.</summary>
    public int[] Voxels(int k)
    {
        int rank = _spatial.Length;
        var start = new int[rank];
        for (int d = rank - 1, rest = k; d >= 0; d--)
        {
            start[d] = rest % _counts[d] * _stride[d];
            rest /= _counts[d];
        }

        var at = new int[rank];
        int size = _window.Aggregate(1, (a, b) => a * b);
        var voxels = new int[size];
        for (int n = 0; n < size; n++)
        {
            int index = 0;
            for (int d = rank - 1, rest = n; d >= 0; d--)
            {
                at[d] = start[d] + (rest % _window[d]);
                rest /= _window[d];
            }

            for (int d = 0; d < rank; d++)
            {
                index = (index * _spatial[d]) + at[d];
            }

            voxels[n] = index;
        }

        return voxels;
    }

    private static int Pick(IReadOnlyList<int>? values, int axis, int fallback) =>
        values is null || values.Count == 0 ? fallback : values.Count == 1 ? values[0] : values[axis];
}
