namespace MedExplain.TestUtilities;

/// <summary>Error measures for comparing arrays against a reference.</summary>
public static class Numerics
{
    /// <summary>‖actual − expected‖₂ / ‖expected‖₂ (absolute error when the reference is all zeros).</summary>
    public static double RelativeL2(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException($"Lengths differ: {actual.Length} vs {expected.Length}.", nameof(actual));
        }

        double error = 0, norm = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            error += (actual[i] - (double)expected[i]) * (actual[i] - (double)expected[i]);
            norm += expected[i] * (double)expected[i];
        }

        return norm == 0 ? Math.Sqrt(error) : Math.Sqrt(error / norm);
    }

    /// <summary>Gets the largest absolute difference between two equally long spans.</summary>
    public static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"lengths differ: {a.Length} and {b.Length}");
        }

        double max = 0;
        for (int n = 0; n < a.Length; n++)
        {
            max = Math.Max(max, Math.Abs((double)a[n] - b[n]));
        }

        return max;
    }

    /// <summary>Gets the largest absolute difference between two equally long spans of doubles.</summary>
    public static double MaxAbsDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"lengths differ: {a.Length} and {b.Length}");
        }

        double max = 0;
        for (int n = 0; n < a.Length; n++)
        {
            max = Math.Max(max, Math.Abs(a[n] - b[n]));
        }

        return max;
    }
}
