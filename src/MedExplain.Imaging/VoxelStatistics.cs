namespace MedExplain.Imaging;

/// <summary>Count, minimum, maximum, mean and sum of values, accumulated in double precision.</summary>
public sealed class VoxelStatistics
{
    /// <summary>Gets the number of values.</summary>
    public long Count { get; private set; }

    /// <summary>Gets the smallest value (NaN when empty).</summary>
    public double Min { get; private set; } = double.NaN;

    /// <summary>Gets the largest value (NaN when empty).</summary>
    public double Max { get; private set; } = double.NaN;

    /// <summary>Gets the sum.</summary>
    public double Sum { get; private set; }

    /// <summary>Gets the mean (NaN when empty).</summary>
    public double Mean => Count == 0 ? double.NaN : Sum / Count;

    /// <summary>Adds values.</summary>
    /// <param name="values">The values.</param>
    public void Add(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        double min = Count == 0 ? double.PositiveInfinity : Min, max = Count == 0 ? double.NegativeInfinity : Max, sum = 0;
        foreach (float v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
        }

        (Min, Max, Sum, Count) = (min, max, Sum + sum, Count + values.Length);
    }
}
