using SkiaSharp;

namespace MedExplain.Imaging.Rendering;

/// <summary>A labelled grid of tiles: one row per scan, one column per method, saved as PNG.</summary>
public sealed class PanelFigure
{
    private const int Margin = 6;
    private const int HeaderHeight = 22;
    private const int RowLabelWidth = 190;
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

    /// <summary>Draws the figure and writes it as PNG.</summary>
    /// <param name="path">The file to write.</param>
    public void Save(string path)
    {
        int width = RowLabelWidth + (Columns.Count * (TileSize + Margin)) + Margin;
        int height = (2 * HeaderHeight) + (_rows.Count * (TileSize + Margin)) + Margin;
        using var surface = new SKBitmap(width, height);
        using var canvas = new SKCanvas(surface);
        canvas.Clear(SKColors.White);
        using SKFont titleFont = LabelFont.Create(15), font = LabelFont.Create(12);
        using var ink = new SKPaint { Color = new SKColor(30, 30, 30), IsAntialias = true };
        canvas.DrawText(Title, Margin, 16, SKTextAlign.Left, titleFont, ink);
        for (int c = 0; c < Columns.Count; c++)
        {
            canvas.DrawText(Columns[c], RowLabelWidth + (c * (TileSize + Margin)) + (TileSize / 2f), HeaderHeight + 16, SKTextAlign.Center, font, ink);
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
                using SKImage image = SKImage.FromBitmap(_rows[r].Tiles[c]);
                var destination = SKRect.Create(RowLabelWidth + (c * (TileSize + Margin)), top, TileSize, TileSize);
                canvas.DrawImage(image, destination, new SKSamplingOptions(SKFilterMode.Nearest), sampling);
            }
        }

        using SKImage snapshot = SKImage.FromBitmap(surface);
        using SKData png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        using FileStream file = File.Create(path);
        png.SaveTo(file);
        foreach ((_, List<SKBitmap> tiles) in _rows)
        {
            tiles.ForEach(t => t.Dispose());
        }

        _rows.Clear();
    }
}
