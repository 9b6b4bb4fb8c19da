using SkiaSharp;

namespace MedExplain.Imaging.Rendering;

/// <summary>The typeface for labels in figures, embedded so that text renders without system fonts.</summary>
internal static class LabelFont
{
    private static readonly Lazy<SKTypeface> Typeface = new(() =>
    {
        using Stream stream = typeof(LabelFont).Assembly.GetManifestResourceStream("MedExplain.Imaging.DejaVuSans.ttf")
            ?? throw new InvalidOperationException("The embedded label font is missing from MedExplain.Imaging.");
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException("The embedded label font does not load.");
    });

    public static SKFont Create(float size) => new(Typeface.Value, size);
}
