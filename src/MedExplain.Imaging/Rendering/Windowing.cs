namespace MedExplain.Imaging.Rendering;

/// <summary>Scan values to display grey levels in [0, 1]: the DICOM linear VOI function (PS3.3 C.11.2.1.2) or a robust range.</summary>
public static class Windowing
{
    /// <summary>The percentiles used when the scan has no window: robust to a few extreme voxels.</summary>
    public const double LowPercentile = 0.5, HighPercentile = 99.5;

    /// <summary>Maps values through a window; MONOCHROME1 data is inverted so that higher values show darker, as the file intends.</summary>
    /// <param name="values">Modality values (HU for CT).</param>
    /// <param name="window">The window; null for the 0.5–99.5 percentile range of <paramref name="values"/>.</param>
    /// <param name="invert">True for MONOCHROME1.</param>
    public static float[] ToGray(ReadOnlySpan<float> values, DisplayWindow? window, bool invert = false)
    {
        window ??= Robust(values);
        double c = window.Center, w = Math.Max(1, window.Width);
        double low = c - 0.5 - ((w - 1) / 2), high = c - 0.5 + ((w - 1) / 2);
        var gray = new float[values.Length];
        for (int n = 0; n < values.Length; n++)
        {
            double x = values[n];
            double y = x <= low ? 0 : x > high ? 1 : w > 1 ? ((x - (c - 0.5)) / (w - 1)) + 0.5 : 1;
            gray[n] = (float)(invert ? 1 - y : y);
        }

        return gray;
    }

    /// <summary>Gets the window spanning the 0.5 and 99.5 percentiles of the values.</summary>
    /// <param name="values">The values.</param>
    public static DisplayWindow Robust(ReadOnlySpan<float> values)
    {
        float[] sorted = values.ToArray();
        Array.Sort(sorted);
        if (sorted.Length == 0)
        {
            return new DisplayWindow(0.5, 1);
        }

        double low = sorted[(int)Math.Round(LowPercentile / 100 * (sorted.Length - 1))];
        double high = sorted[(int)Math.Round(HighPercentile / 100 * (sorted.Length - 1))];
        if (high <= low)
        {
            (low, high) = (sorted[0], sorted[^1]);
        }

        return new DisplayWindow((low + high + 1) / 2, Math.Max(1, high - low + 1), "0.5–99.5 percentile");
    }
}
