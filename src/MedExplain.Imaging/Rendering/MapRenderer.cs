using SkiaSharp;

namespace MedExplain.Imaging.Rendering;

/// <summary>
/// Draws attribution maps over their scan as clinicians look at images: the scan windowed (its own window, or a robust
/// percentile range), the map in a <see cref="ColourScale"/> shared as the caller decides, lesion outlines, and for
/// volumes the axial, coronal and sagittal planes through the lesion (else the map's peak). Pixels are drawn at their
/// physical aspect, in the radiological convention, each plane named and its edges marked (R/L, A/P, S/I) when the
/// scan's geometry is known.
/// </summary>
public sealed class MapRenderer
{
    /// <summary>The long side of a plane's tile, in pixels, unless the caller asks for another.</summary>
    public const int DefaultTileSize = 240;

    private readonly SliceView _view;
    private readonly float[] _gray;
    private readonly float[]? _mask;
    private readonly int _tileSize;

    /// <summary>Prepares the scan once for any number of maps.</summary>
    /// <param name="scan">The scan (its first channel is shown; colour scans as luminance).</param>
    /// <param name="lesionMask">An optional mask on the scan's grid (values &gt; 0 inside).</param>
    /// <param name="tileSize">The long side of each plane's tile, in pixels.</param>
    public MapRenderer(MedicalImage scan, float[]? lesionMask = null, int tileSize = DefaultTileSize)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileSize, 64);
        _view = new SliceView(scan);
        _tileSize = tileSize;
        float[] values = scan.Channels == 1 ? scan.Voxels : Luminance(scan);
        DisplayWindow? window = scan.Metadata.Windows.Count > 0 ? scan.Metadata.Windows[0] : null;
        _gray = _view.Orient(Windowing.ToGray(values, window, invert: scan.Metadata.Photometric == "MONOCHROME1"));
        _mask = lesionMask is null ? null : _view.Orient(lesionMask);
        Window = window ?? Windowing.Robust(values);
    }

    /// <summary>Gets the window the scan is shown with.</summary>
    public DisplayWindow Window { get; }

    /// <summary>Gets a value indicating whether the scan is a volume (three planes are drawn).</summary>
    public bool IsVolume => _view.Dims[2] > 1;

    /// <summary>Gets the sentence a figure states about how the planes are drawn: the radiological convention when the
    /// scan's geometry is known, else the file's array order (no side can be named).</summary>
    public string ConventionNote => _view.Upright
        ? $"Planes in the {SliceView.Convention}; letters mark the sides (R/L, A/P, S/I); pixels at their physical aspect."
        : "Shown in the file's array order (row 0 at the top): the file records no orientation, so no side is marked.";

    /// <summary>Gets the planes drawn by default: axial, coronal and sagittal for a volume, the one plane of a 2D scan.</summary>
    public IReadOnlyList<Plane> Planes => IsVolume ? [Plane.Axial, Plane.Coronal, Plane.Sagittal] : [Plane.Axial];

    /// <summary>Gets a value indicating whether the lesion mask has any voxel, so planes go through the lesion.</summary>
    public bool FocusesOnLesion => _mask is not null && _view.Largest(_mask) is not null;

    /// <summary>Gets the display-order voxel the planes go through: the lesion's largest planes when a mask with voxels
    /// was given, else the map's peak, else the centre. Pass it to every map of one figure so they share planes.</summary>
    /// <param name="map">Values on the scan's grid, or null.</param>
    public (int X, int Y, int Z) Focus(float[]? map = null) =>
        (_mask is null ? null : _view.Largest(_mask))
        ?? (map is null ? (_view.Dims[0] / 2, _view.Dims[1] / 2, _view.Dims[2] / 2) : _view.Peak(_view.Orient(map)));

    /// <summary>Draws the scan alone (no map), in the planes a map would get.</summary>
    /// <param name="at">The voxel (display order) the planes go through; null for <see cref="Focus"/>.</param>
    /// <param name="planes">The planes; null for <see cref="Planes"/>.</param>
    public SKBitmap RenderScan((int X, int Y, int Z)? at = null, IReadOnlyList<Plane>? planes = null) =>
        Render(new float[_gray.Length], new ColourScale(1, Diverging: true), at ?? Focus(), planes ?? Planes);

    /// <summary>Draws a map in the given colour scale.</summary>
    /// <param name="map">Values on the scan's grid.</param>
    /// <param name="scale">The colours (see <see cref="ColourScale.Of"/>; share one across maps to compare them).</param>
    /// <param name="at">The voxel (display order) the planes go through; null for <see cref="Focus"/> of this map.</param>
    /// <param name="planes">The planes; null for <see cref="Planes"/>.</param>
    public SKBitmap RenderMap(float[] map, ColourScale scale, (int X, int Y, int Z)? at = null, IReadOnlyList<Plane>? planes = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(scale);
        return Render(_view.Orient(map), scale, at ?? Focus(map), planes ?? Planes);
    }

    /// <summary>Writes a bitmap as PNG.</summary>
    /// <param name="bitmap">The picture.</param>
    /// <param name="path">The file.</param>
    public static void SavePng(SKBitmap bitmap, string path)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, png.SaveTo);
    }

    private SKBitmap Render(float[] oriented, ColourScale scale, (int X, int Y, int Z) at, IReadOnlyList<Plane> planes)
    {
        List<SKBitmap> tiles = [.. planes.Select(plane => Tile(oriented, scale, plane, plane switch { Plane.Axial => at.Z, Plane.Coronal => at.Y, _ => at.X }))];
        if (tiles.Count == 1)
        {
            return tiles[0];
        }

        const int Gap = 4;
        var strip = new SKBitmap(tiles.Sum(t => t.Width) + (Gap * (tiles.Count - 1)), tiles.Max(t => t.Height));
        using (var canvas = new SKCanvas(strip))
        {
            canvas.Clear(SKColors.Black);
            int x = 0;
            foreach (SKBitmap tile in tiles)
            {
                using SKImage image = SKImage.FromBitmap(tile);
                canvas.DrawImage(image, SKRect.Create(x, (strip.Height - tile.Height) / 2f, tile.Width, tile.Height), new SKSamplingOptions(SKFilterMode.Nearest));
                x += tile.Width + Gap;
                tile.Dispose();
            }
        }

        return strip;
    }

    private SKBitmap Tile(float[] oriented, ColourScale scale, Plane plane, int index)
    {
        (float[] gray, int w, int h, double sx, double sy) = _view.Cut(_gray, plane, index);
        float[] map = _view.Cut(oriented, plane, index).Pixels;
        using SKBitmap raw = Overlay.RenderGray(gray, map, w, h, scale.Max, scale.Diverging);
        double physicalW = w * sx, physicalH = h * sy, fit = _tileSize / Math.Max(physicalW, physicalH);
        var size = new SKImageInfo(Math.Max(1, (int)Math.Round(physicalW * fit)), Math.Max(1, (int)Math.Round(physicalH * fit)));
        SKBitmap tile = raw.Resize(size, new SKSamplingOptions(SKFilterMode.Nearest)) ?? throw new InvalidOperationException("Skia could not resize a tile.");
        if (_mask is not null)
        {
            Overlay.DrawOutline(tile, _view.Cut(_mask, plane, index).Pixels, w, h);
        }

        if (_view.Markers(plane) is { } markers)
        {
            Annotate(tile, markers, IsVolume ? plane.ToString().ToLowerInvariant() : null);
        }

        return tile;
    }

    /// <summary>Writes the edge letters and the plane's name onto a tile, white on a dark halo so they read on any scan.</summary>
    private static void Annotate(SKBitmap tile, EdgeMarkers markers, string? planeName)
    {
        using var canvas = new SKCanvas(tile);
        using SKFont font = LabelFont.Create(LabelFont.Smallest);
        using var halo = new SKPaint { Color = new SKColor(0, 0, 0, 200), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 3 };
        using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
        void Text(string text, float x, float y, SKTextAlign align)
        {
            canvas.DrawText(text, x, y, align, font, halo);
            canvas.DrawText(text, x, y, align, font, ink);
        }

        float size = LabelFont.Smallest, middle = (tile.Height + size) / 2f - 2;
        Text(markers.Top, tile.Width / 2f, size + 1, SKTextAlign.Center);
        Text(markers.Bottom, tile.Width / 2f, tile.Height - 3, SKTextAlign.Center);
        Text(markers.Left, 3, middle, SKTextAlign.Left);
        Text(markers.Right, tile.Width - 3, middle, SKTextAlign.Right);
        if (planeName is not null)
        {
            Text(planeName, 3, size + 1, SKTextAlign.Left);
        }
    }

    private static float[] Luminance(MedicalImage scan)
    {
        int n = scan.VoxelsPerChannel;
        float[] v = scan.Voxels;
        return [.. Enumerable.Range(0, n).Select(i => (0.299f * v[i]) + (0.587f * v[n + i]) + (0.114f * v[(2 * n) + i]))];
    }
}
