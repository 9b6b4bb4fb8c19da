using SkiaSharp;

namespace MedExplain.Imaging.Rendering;

/// <summary>
/// A labelled grid of tiles saved as PNG: one row per scan, one column per method, colour bars under it. Tiles are drawn
/// at their own pixel size (never shrunk, so their letters stay readable), and when the columns are wider than
/// <see cref="MaxWidth"/> they wrap into bands, each with its own column titles and row labels.
/// </summary>
public sealed class PanelFigure
{
    /// <summary>The widest the figure gets: a report page shows it at its own size, text included.</summary>
    public const int MaxWidth = 1200;

    /// <summary>The smallest text in any figure, in pixels per em.</summary>
    public const float SmallestText = LabelFont.Smallest;

    private const int Margin = 6;
    private const int LineHeight = 16;
    private const int RowLabelWidth = 190;
    private const int BandGap = 12;
    private const string ScaleNote = "max: the range printed with each method's name (the 99.5th percentile of |value| over the maps it colours); opacity grows with √|value|.";
    private readonly List<(string Label, List<SKBitmap> Tiles)> _rows = [];

    /// <summary>Creates a figure with these column titles.</summary>
    /// <param name="title">The figure's title.</param>
    /// <param name="columns">One title per column (a second line, after '\n', for its colour range).</param>
    public PanelFigure(string title, IReadOnlyList<string> columns)
    {
        Title = title;
        Columns = columns;
    }

    /// <summary>Gets the figure's title.</summary>
    public string Title { get; }

    /// <summary>Gets the column titles.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Gets lines printed under the colour bars (the display convention, what the outline shows).</summary>
    public IList<string> Notes { get; } = [];

    /// <summary>Adds a row; the figure takes ownership of the tiles.</summary>
    /// <param name="label">The row's label (several lines allowed).</param>
    /// <param name="tiles">One bitmap per column.</param>
    public void AddRow(string label, IReadOnlyList<SKBitmap> tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        _rows.Add((label, [.. tiles]));
    }

    /// <summary>Draws the figure and writes it as PNG.</summary>
    /// <param name="path">The file to write.</param>
    public void Save(string path)
    {
        using SKFont titleFont = LabelFont.Create(16), font = LabelFont.Create(LabelFont.Smallest);
        int[] widths = [.. Enumerable.Range(0, Columns.Count).Select(c => _rows.Where(r => c < r.Tiles.Count).Select(r => r.Tiles[c].Width).DefaultIfEmpty(64).Max())];
        List<int[]> bands = Bands(widths);
        int headerLines = Columns.Max(c => c.Split('\n').Length);
        string[][] labels = [.. _rows.Select(r => Wrap(r.Label, font, RowLabelWidth - (2 * Margin)))];
        int labelLines = labels.Select(l => l.Length).DefaultIfEmpty(1).Max();
        int RowHeight(int row, int[] band) => Math.Max(band.Where(c => c < _rows[row].Tiles.Count).Select(c => _rows[row].Tiles[c].Height).DefaultIfEmpty(0).Max(), (labelLines * LineHeight) + 4);
        int BandHeight(int[] band) => (headerLines * LineHeight) + Margin + Enumerable.Range(0, _rows.Count).Sum(r => RowHeight(r, band) + Margin);
        int width = Math.Max(bands.Max(b => RowLabelWidth + b.Sum(c => widths[c] + Margin) + Margin), 620);
        string[] notes = [.. Notes.Prepend(ScaleNote).SelectMany(n => Wrap(n, font, width - (2 * Margin)))];
        int legendHeight = 56 + (notes.Length * LineHeight);
        int height = 26 + bands.Sum(b => BandHeight(b) + BandGap) + legendHeight;

        using var surface = new SKBitmap(width, height);
        using var canvas = new SKCanvas(surface);
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = new SKColor(30, 30, 30), IsAntialias = true };
        canvas.DrawText(Title, Margin, 18, SKTextAlign.Left, titleFont, ink);
        float top = 26;
        foreach (int[] band in bands)
        {
            float left = RowLabelWidth;
            foreach (int c in band)
            {
                string[] header = Columns[c].Split('\n');
                for (int l = 0; l < header.Length; l++)
                {
                    canvas.DrawText(header[l], left + (widths[c] / 2f), top + 13 + (l * LineHeight), SKTextAlign.Center, font, ink);
                }

                left += widths[c] + Margin;
            }

            top += (headerLines * LineHeight) + Margin;
            for (int r = 0; r < _rows.Count; r++)
            {
                string[] lines = labels[r];
                for (int l = 0; l < lines.Length; l++)
                {
                    canvas.DrawText(lines[l], Margin, top + 14 + (l * LineHeight), SKTextAlign.Left, font, ink);
                }

                int rowHeight = RowHeight(r, band);
                left = RowLabelWidth;
                foreach (int c in band)
                {
                    if (c < _rows[r].Tiles.Count)
                    {
                        SKBitmap tile = _rows[r].Tiles[c];
                        using SKImage image = SKImage.FromBitmap(tile);
                        canvas.DrawImage(image, left + ((widths[c] - tile.Width) / 2), top + ((rowHeight - tile.Height) / 2), new SKSamplingOptions(SKFilterMode.Nearest));
                    }

                    left += widths[c] + Margin;
                }

                top += rowHeight + Margin;
            }

            top += BandGap;
        }

        DrawLegend(canvas, font, ink, top + 4, notes);

        using SKImage snapshot = SKImage.FromBitmap(surface);
        using SKData png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, png.SaveTo);

        foreach ((_, List<SKBitmap> tiles) in _rows)
        {
            tiles.ForEach(t => t.Dispose());
        }

        _rows.Clear();
    }

    /// <summary>Splits the columns into bands no wider than <see cref="MaxWidth"/> (a column wider than that alone).</summary>
    private static List<int[]> Bands(int[] widths)
    {
        var bands = new List<int[]>();
        var current = new List<int>();
        int used = RowLabelWidth + Margin;
        for (int c = 0; c < widths.Length; c++)
        {
            if (current.Count > 0 && used + widths[c] + Margin > MaxWidth)
            {
                bands.Add([.. current]);
                (current, used) = ([], RowLabelWidth + Margin);
            }

            current.Add(c);
            used += widths[c] + Margin;
        }

        bands.Add([.. current]);
        return bands;
    }

    /// <summary>Breaks text into lines that fit a width: at its own line breaks, then after a space, '-' or '_' where
    /// possible, else anywhere.</summary>
    private static string[] Wrap(string text, SKFont font, float width)
    {
        var lines = new List<string>();
        foreach (string paragraph in text.Split('\n'))
        {
            string rest = paragraph;
            while (font.MeasureText(rest) > width && rest.Length > 1)
            {
                int fits = rest.Length - 1;
                while (fits > 1 && font.MeasureText(rest[..fits]) > width)
                {
                    fits--;
                }

                int breakAt = rest[..fits].LastIndexOfAny([' ', '-', '_']) + 1;
                int cut = breakAt > 0 ? breakAt : fits;
                lines.Add(rest[..cut].TrimEnd());
                rest = rest[cut..];
            }

            lines.Add(rest);
        }

        return [.. lines];
    }

    private static void DrawLegend(SKCanvas canvas, SKFont font, SKPaint ink, float top, string[] notes)
    {
        const int BarWidth = 160, BarHeight = 12;
        void Bar(float left, Func<float, SKColor> colour, string low, string middle, string high, string text)
        {
            for (int x = 0; x < BarWidth; x++)
            {
                using var paint = new SKPaint { Color = colour((float)x / (BarWidth - 1)) };
                canvas.DrawRect(left + x, top, 1, BarHeight, paint);
            }

            canvas.DrawText(low, left, top + BarHeight + 14, SKTextAlign.Left, font, ink);
            canvas.DrawText(middle, left + (BarWidth / 2f), top + BarHeight + 14, SKTextAlign.Center, font, ink);
            canvas.DrawText(high, left + BarWidth, top + BarHeight + 14, SKTextAlign.Right, font, ink);
            canvas.DrawText(text, left, top + BarHeight + 30, SKTextAlign.Left, font, ink);
        }

        Bar(Margin, t => ColorMap.Diverging((2 * t) - 1), "−max", "0", "+max", "signed maps: red raised the score, blue lowered it");
        Bar(Margin + 400, ColorMap.Sequential, "0", string.Empty, "max", "magnitudes: black (none) to yellow (most)");
        float y = top + BarHeight + 30;
        foreach (string note in notes)
        {
            y += LineHeight;
            canvas.DrawText(note, Margin, y, SKTextAlign.Left, font, ink);
        }
    }
}
