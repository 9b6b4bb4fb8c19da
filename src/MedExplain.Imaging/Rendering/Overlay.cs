using SkiaSharp;

namespace MedExplain.Imaging.Rendering;

/// <summary>Draws an attribution map over a grayscale slice: robust percentile scaling, a diverging colour map for
/// signed maps and a sequential one for positive maps, opacity growing with √|value| (so the weak, spread-out evidence of gradient maps stays visible while the colour
/// still reads the value linearly), and lesion outlines.</summary>
public static class Overlay
{
    /// <summary>The percentile of |map| that maps to full colour.</summary>
    public const double DefaultPercentile = 99.5;

    /// <summary>The opacity of a map at full colour; the scan shows through the rest.</summary>
    public const float MaxOpacity = 0.85f;

    /// <summary>The colour of lesion outlines.</summary>
    public static readonly SKColor OutlineColour = new(60, 230, 90);

    /// <summary>Renders one slice whose grey levels are already windowed to [0, 1], with a colour scale shared across slices.</summary>
    /// <param name="gray">Display grey levels in [0, 1], row-major.</param>
    /// <param name="map">The attribution, same grid.</param>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="scale">The |value| shown at full colour (from <see cref="RobustMax"/> over the whole map).</param>
    /// <param name="diverging">True for the diverging colour map, false for the sequential one.</param>
    public static SKBitmap RenderGray(ReadOnlySpan<float> gray, ReadOnlySpan<float> map, int width, int height, float scale, bool diverging)
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
                float alpha = MathF.Sqrt(Math.Clamp(Math.Abs(v), 0, 1)) * MaxOpacity;
                float g = gray[i];
                byte Mix(byte c) => (byte)Math.Round((c * alpha) + (g * 255 * (1 - alpha)));
                bitmap.SetPixel(x, y, new SKColor(Mix(color.Red), Mix(color.Green), Mix(color.Blue)));
            }
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

    /// <summary>Outlines a mask on a bitmap drawn at any size: the pixels just outside the mask that touch it, so the
    /// line surrounds the lesion without hiding its edge.</summary>
    /// <param name="bitmap">The picture, already at display size.</param>
    /// <param name="mask">The mask, row-major (values &gt; 0 inside), covering the whole picture.</param>
    /// <param name="maskWidth">The mask's columns.</param>
    /// <param name="maskHeight">The mask's rows.</param>
    public static void DrawOutline(SKBitmap bitmap, ReadOnlySpan<float> mask, int maskWidth, int maskHeight)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        if (mask.Length != maskWidth * maskHeight)
        {
            throw new ArgumentException($"The mask ({mask.Length}) must hold {maskWidth}×{maskHeight} values.", nameof(mask));
        }

        int width = bitmap.Width, height = bitmap.Height;
        var inside = new bool[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                inside[(y * width) + x] = mask[(y * maskHeight / height * maskWidth) + (x * maskWidth / width)] > 0;
            }
        }

        bool In(int x, int y) => x >= 0 && y >= 0 && x < width && y < height && inside[(y * width) + x];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (!In(x, y) && (In(x - 1, y) || In(x + 1, y) || In(x, y - 1) || In(x, y + 1)))
                {
                    bitmap.SetPixel(x, y, OutlineColour);
                }
            }
        }
    }
}
