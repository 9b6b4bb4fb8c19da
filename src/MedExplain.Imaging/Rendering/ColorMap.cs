using SkiaSharp;

namespace MedExplain.Imaging.Rendering;

/// <summary>Piecewise-linear colour maps: diverging for signed maps (blue, white, red around zero), sequential for
/// positive ones (black, red, yellow, white).</summary>
public static class ColorMap
{
    private static readonly (float At, SKColor Color)[] DivergingStops =
        [(-1, new SKColor(40, 70, 200)), (-0.5f, new SKColor(110, 160, 240)), (0, new SKColor(245, 245, 245)), (0.5f, new SKColor(245, 140, 100)), (1, new SKColor(200, 30, 40))];

    private static readonly (float At, SKColor Color)[] SequentialStops =
        [(0, new SKColor(0, 0, 0)), (0.35f, new SKColor(180, 20, 20)), (0.7f, new SKColor(250, 170, 30)), (1, new SKColor(255, 255, 220))];

    /// <summary>The diverging colour of v in [−1, 1] (clamped).</summary>
    /// <param name="v">The scaled value.</param>
    public static SKColor Diverging(float v) => Interpolate(DivergingStops, Math.Clamp(v, -1, 1));

    /// <summary>The sequential colour of v in [0, 1] (clamped).</summary>
    /// <param name="v">The scaled value.</param>
    public static SKColor Sequential(float v) => Interpolate(SequentialStops, Math.Clamp(v, 0, 1));

    private static SKColor Interpolate((float At, SKColor Color)[] stops, float v)
    {
        for (int i = 1; i < stops.Length; i++)
        {
            if (v <= stops[i].At)
            {
                float t = (v - stops[i - 1].At) / (stops[i].At - stops[i - 1].At);
                SKColor a = stops[i - 1].Color, b = stops[i].Color;
                return new SKColor(Lerp(a.Red, b.Red, t), Lerp(a.Green, b.Green, t), Lerp(a.Blue, b.Blue, t));
            }
        }

        return stops[^1].Color;
    }

    private static byte Lerp(byte a, byte b, float t) => (byte)Math.Round(a + ((b - a) * t));
}
