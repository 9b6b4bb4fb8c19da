using SkiaSharp;

namespace MedExplain.Imaging.Rendering;

/// <summary>The typeface for labels in figures, embedded so that text renders without system fonts.</summary>
internal static class LabelFont
{
    /// <summary>The smallest text size (pixels per em) any figure uses: figures are laid out so they are shown at their
    /// own size, where this stays above 10 px.</summary>
    public const float Smallest = 13;

    private static readonly Lazy<SKTypeface> Typeface = new(() =>
    {
        using Stream stream = typeof(LabelFont).Assembly.GetManifestResourceStream("MedExplain.Imaging.DejaVuSans.ttf")
            ?? throw new InvalidOperationException("The embedded label font is missing from MedExplain.Imaging.");
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException("The embedded label font does not load.");
    });

    public static SKFont Create(float size) => new(Typeface.Value, size);
}
