using SkiaSharp;

namespace MedExplain.Imaging.Rendering;

/// <summary>Draws an attribution map over a grayscale slice: robust percentile scaling, a diverging colour map for
/// signed maps and a sequential one for positive maps, opacity growing with |value|, and lesion outlines.</summary>
public static class Overlay
{
    /// <summary>The percentile of |map| that maps to full colour.</summary>
    public const double DefaultPercentile = 99.5;

    /// <summary>Renders one slice.</summary>
    /// <param name="slice">The scan slice, row-major, any intensity range (shown min to max).</param>
    /// <param name="map">The attribution, same grid.</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="mask">An optional lesion mask to outline, same grid.</param>
    /// <param name="percentile">The |map| percentile shown at full colour.</param>
    public static SKBitmap Render(ReadOnlySpan<float> slice, ReadOnlySpan<float> map, int width, int height, ReadOnlySpan<float> mask = default, double percentile = DefaultPercentile)
    {
        if (slice.Length != width * height || map.Length != width * height)
        {
            throw new ArgumentException($"Slice ({slice.Length}) and map ({map.Length}) must both hold {width}×{height} values.", nameof(map));
        }

        (float low, float high) = Range(slice);
        bool signed = false;
        foreach (float v in map)
        {
            signed |= v < 0;
        }

        var gray = new float[slice.Length];
        for (int i = 0; i < gray.Length; i++)
        {
            gray[i] = high > low ? (slice[i] - low) / (high - low) : 0;
        }

        return RenderGray(gray, map, width, height, RobustMax(map, percentile), signed, mask);
    }

    /// <summary>Renders one slice whose grey levels are already windowed to [0, 1], with a colour scale shared across slices.</summary>
    /// <param name="gray">Display grey levels in [0, 1], row-major.</param>
    /// <param name="map">The attribution, same grid.</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="scale">The |value| shown at full colour (from <see cref="RobustMax"/> over the whole map).</param>
    /// <param name="diverging">True for the diverging colour map, false for the sequential one.</param>
    /// <param name="mask">An optional lesion mask to outline, same grid.</param>
    public static SKBitmap RenderGray(ReadOnlySpan<float> gray, ReadOnlySpan<float> map, int width, int height, float scale, bool diverging, ReadOnlySpan<float> mask = default)
    {
        if (gray.Length != width * height || map.Length != width * height)
        {
            throw new ArgumentException($"Slice ({gray.Length}) and map ({map.Length}) must both hold {width}×{height} values.", nameof(map));
        }

        var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                float v = scale > 0 ? map[i] / scale : 0;
                SKColor color = diverging ? ColorMap.Diverging(v) : ColorMap.Sequential(v);
                float alpha = Math.Clamp(Math.Abs(v), 0, 1) * 0.85f;
                float g = gray[i];
                byte Mix(byte c) => (byte)Math.Round((c * alpha) + (g * 255 * (1 - alpha)));
                bitmap.SetPixel(x, y, new SKColor(Mix(color.Red), Mix(color.Green), Mix(color.Blue)));
            }
        }

        if (!mask.IsEmpty)
        {
            OutlineMask(bitmap, mask, width, height);
        }

        return bitmap;
    }

    /// <summary>The given percentile of |values| (the largest |value| if that percentile is zero).</summary>
    /// <param name="values">The map.</param>
    /// <param name="percentile">From 0 to 100.</param>
    public static float RobustMax(ReadOnlySpan<float> values, double percentile)
    {
        float[] magnitudes = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            magnitudes[i] = Math.Abs(values[i]);
        }

        Array.Sort(magnitudes);
        float at = magnitudes.Length == 0 ? 0 : magnitudes[(int)Math.Min(magnitudes.Length - 1, Math.Round(percentile / 100 * (magnitudes.Length - 1)))];
        return at > 0 ? at : (magnitudes.Length == 0 ? 0 : magnitudes[^1]);
    }

    private static void OutlineMask(SKBitmap bitmap, ReadOnlySpan<float> mask, int width, int height)
    {
        var edge = new SKColor(60, 230, 90);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bool inside = mask[(y * width) + x] > 0;
                bool border = inside && (x == 0 || y == 0 || x == width - 1 || y == height - 1
                    || mask[(y * width) + x - 1] <= 0 || mask[(y * width) + x + 1] <= 0 || mask[((y - 1) * width) + x] <= 0 || mask[((y + 1) * width) + x] <= 0);
                if (border)
                {
                    bitmap.SetPixel(x, y, edge);
                }
            }
        }
    }

    private static (float Low, float High) Range(ReadOnlySpan<float> values)
    {
        float low = float.PositiveInfinity, high = float.NegativeInfinity;
        foreach (float v in values)
        {
            (low, high) = (Math.Min(low, v), Math.Max(high, v));
        }

        return (low, high);
    }
}
