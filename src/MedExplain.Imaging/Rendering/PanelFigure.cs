using SkiaSharp;

namespace MedExplain.Imaging.Rendering;

/// <summary>A labelled grid of tiles: one row per scan, one column per method, with a colour bar, saved as PNG.</summary>
/// <remarks>Tiles keep their aspect (three-plane strips are wide); each column is as wide as its widest tile.</remarks>
public sealed class PanelFigure
{
    private const int Margin = 6;
    private const int HeaderHeight = 22;
    private const int RowLabelWidth = 190;
    private const int LegendHeight = 46;
    private readonly List<(string Label, List<SKBitmap> Tiles)> _rows = [];

    /// <summary>Creates a figure with these column titles.</summary>
    /// <param name="title">The figure's title.</param>
    /// <param name="columns">One title per column.</param>
    /// <param name="tileSize">The side of each square tile, in pixels.</param>
    public PanelFigure(string title, IReadOnlyList<string> columns, int tileSize = 160)
    {
        Title = title;
        Columns = columns;
        TileSize = tileSize;
    }

    /// <summary>Gets the figure's title.</summary>
    public string Title { get; }

    /// <summary>Gets the column titles.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Gets the side of each tile.</summary>
    public int TileSize { get; }

    /// <summary>Adds a row; the figure takes ownership of the tiles.</summary>
    /// <param name="label">The row's label (several lines allowed).</param>
    /// <param name="tiles">One bitmap per column.</param>
    public void AddRow(string label, IReadOnlyList<SKBitmap> tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        _rows.Add((label, [.. tiles]));
    }

    /// <summary>Gets or sets the legend under the colour bar; null for the default wording.</summary>
    public string? Legend { get; set; }

    /// <summary>Draws the figure and writes it as PNG.</summary>
    /// <param name="path">The file to write.</param>
    public void Save(string path)
    {
        int[] widths = [.. Enumerable.Range(0, Columns.Count).Select(c => _rows.Select(r => c < r.Tiles.Count ? (int)Math.Round(TileSize * (double)r.Tiles[c].Width / r.Tiles[c].Height) : TileSize).DefaultIfEmpty(TileSize).Max())];
        int[] lefts = new int[Columns.Count];
        for (int c = 1; c < Columns.Count; c++)
        {
            lefts[c] = lefts[c - 1] + widths[c - 1] + Margin;
        }

        int width = Math.Max(RowLabelWidth + widths.Sum() + (Columns.Count * Margin) + Margin, 560);
        int height = (2 * HeaderHeight) + (_rows.Count * (TileSize + Margin)) + Margin + LegendHeight;
        using var surface = new SKBitmap(width, height);
        using var canvas = new SKCanvas(surface);
        canvas.Clear(SKColors.White);
        using SKFont titleFont = LabelFont.Create(15), font = LabelFont.Create(12);
        using var ink = new SKPaint { Color = new SKColor(30, 30, 30), IsAntialias = true };
        canvas.DrawText(Title, Margin, 16, SKTextAlign.Left, titleFont, ink);
        for (int c = 0; c < Columns.Count; c++)
        {
            canvas.DrawText(Columns[c], RowLabelWidth + lefts[c] + (widths[c] / 2f), HeaderHeight + 16, SKTextAlign.Center, font, ink);
        }

        using var sampling = new SKPaint();
        for (int r = 0; r < _rows.Count; r++)
        {
            float top = (2 * HeaderHeight) + (r * (TileSize + Margin));
            string[] lines = _rows[r].Label.Split('\n');
            for (int l = 0; l < lines.Length; l++)
            {
                canvas.DrawText(lines[l], Margin, top + 18 + (l * 16), SKTextAlign.Left, font, ink);
            }

            for (int c = 0; c < _rows[r].Tiles.Count; c++)
            {
                SKBitmap tile = _rows[r].Tiles[c];
                float scale = Math.Min((float)widths[c] / tile.Width, (float)TileSize / tile.Height);
                float w = tile.Width * scale, h = tile.Height * scale;
                using SKImage image = SKImage.FromBitmap(tile);
                var destination = SKRect.Create(RowLabelWidth + lefts[c] + ((widths[c] - w) / 2), top + ((TileSize - h) / 2), w, h);
                canvas.DrawImage(image, destination, new SKSamplingOptions(SKFilterMode.Nearest), sampling);
            }
        }

        DrawColorBar(canvas, font, ink, height - LegendHeight + 4);

        using SKImage snapshot = SKImage.FromBitmap(surface);
        using SKData png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, png.SaveTo);

        foreach ((_, List<SKBitmap> tiles) in _rows)
        {
            tiles.ForEach(t => t.Dispose());
        }

        _rows.Clear();
    }

    private void DrawColorBar(SKCanvas canvas, SKFont font, SKPaint ink, float top)
    {
        const int BarWidth = 200, BarHeight = 12;
        for (int x = 0; x < BarWidth; x++)
        {
            using var paint = new SKPaint { Color = ColorMap.Diverging((2f * x / (BarWidth - 1)) - 1) };
            canvas.DrawRect(Margin + x, top, 1, BarHeight, paint);
        }

        canvas.DrawText("−1", Margin, top + BarHeight + 14, SKTextAlign.Left, font, ink);
        canvas.DrawText("0", Margin + (BarWidth / 2f), top + BarHeight + 14, SKTextAlign.Center, font, ink);
        canvas.DrawText("+1", Margin + BarWidth, top + BarHeight + 14, SKTextAlign.Right, font, ink);
        canvas.DrawText(Legend ?? "× each map's 99.5th percentile of |value| (positive-only maps: black to yellow); green: lesion outline", Margin + BarWidth + 12, top + 11, SKTextAlign.Left, font, ink);
    }
}
