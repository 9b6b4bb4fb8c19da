namespace MedExplain.Metrics;

/// <summary>Which perturbation curve: the order features are changed in, and from which end.</summary>
public enum CurveKind
{
    /// <summary>From the input, most relevant features set to the baseline first (MoRF); a low area is faithful.</summary>
    Deletion,

    /// <summary>From the baseline, most relevant features restored first; a high area is faithful.</summary>
    Insertion,

    /// <summary>From the input, least relevant features set to the baseline first (LeRF); a high area is faithful.</summary>
    DeletionLeastRelevantFirst,
}

/// <summary>One scan of a deletion/insertion run.</summary>
/// <param name="Input">The item (batch of 1).</param>
/// <param name="Attribution">Its map, same shape: the ranking.</param>
/// <param name="Baseline">What removed features become, same shape.</param>
/// <param name="ClassIndex">The class whose score is followed.</param>
/// <param name="Regions">Optional label per element, same length as the map: features are then whole regions.</param>
public sealed record CurveInput(FloatTensor Input, float[] Attribution, FloatTensor Baseline, int ClassIndex, int[]? Regions = null);

/// <summary>A curve's scores (steps + 1 points, fraction 0 to 1) and its area by the trapezoid rule.</summary>
public sealed record PerturbationCurve(double[] Scores, double Area)
{
    internal static PerturbationCurve From(ReadOnlySpan<float> scores)
    {
        double[] curve = [.. scores.ToArray().Select(s => (double)s)];
        int steps = curve.Length - 1;
        double area = 0;
        for (int k = 0; k < steps; k++)
        {
            area += (curve[k] + curve[k + 1]) / 2 / steps;
        }

        return new PerturbationCurve(curve, area);
    }
}

/// <summary>The voxels in the order a curve changes them, grouped by feature (a voxel, or a whole region).</summary>
internal sealed class FeatureOrder
{
    private readonly int[]? _regionEnds;

    private FeatureOrder(int[] voxels, int[]? regionEnds)
    {
        Voxels = voxels;
        _regionEnds = regionEnds;
    }

    public int[] Voxels { get; }

    public int Features => _regionEnds?.Length ?? Voxels.Length;

    /// <summary>How many voxels the first <paramref name="features"/> features cover.</summary>
    public int VoxelsInFirst(int features) => features == 0 ? 0 : _regionEnds is null ? features : _regionEnds[features - 1];

    public static FeatureOrder Of(CurveInput item, CurveKind kind)
    {
        bool leastFirst = kind == CurveKind.DeletionLeastRelevantFirst;
        if (item.Regions is null)
        {
            int[] order = Ranking.Descending(item.Attribution);
            if (leastFirst)
            {
                Array.Reverse(order);
            }

            return new FeatureOrder(order, null);
        }

        if (item.Regions.Length != item.Attribution.Length)
        {
            throw new ArgumentException($"The regions ({item.Regions.Length} labels) must label every element of the map ({item.Attribution.Length}).", nameof(item));
        }

        // Regions ranked by mean attribution, so a large region does not outrank a small one just by its size.
        var sums = new Dictionary<int, (double Sum, int Count)>();
        for (int i = 0; i < item.Regions.Length; i++)
        {
            (double sum, int count) = sums.GetValueOrDefault(item.Regions[i]);
            sums[item.Regions[i]] = (sum + item.Attribution[i], count + 1);
        }

        int[] labels = [.. sums.Keys.Order()];
        float[] means = [.. labels.Select(l => (float)(sums[l].Sum / sums[l].Count))];
        int[] ranked = [.. Ranking.Descending(means).Select(r => labels[r])];
        if (leastFirst)
        {
            Array.Reverse(ranked);
        }

        var position = ranked.Select((label, rank) => (label, rank)).ToDictionary(p => p.label, p => p.rank);
        int[] voxels = [.. Enumerable.Range(0, item.Regions.Length).OrderBy(i => position[item.Regions[i]]).ThenBy(i => i)];
        int[] ends = new int[ranked.Length];
        for (int r = 0, total = 0; r < ranked.Length; r++)
        {
            ends[r] = total += sums[ranked[r]].Count;
        }

        return new FeatureOrder(voxels, ends);
    }
}
