using SkiaSharp;

namespace MedExplain.Imaging.Rendering;

/// <summary>
/// Draws attribution maps over their scan as clinicians look at images: the scan windowed (its own window, or a robust
/// percentile range), the map in one colour scale for the whole volume, lesion outlines, and for volumes the axial,
/// coronal and sagittal planes through the map's peak. Pixels are drawn at their physical aspect.
/// </summary>
public sealed class MapRenderer
{
    private const int LongSide = 240;
    private readonly MedicalImage _scan;
    private readonly SliceView _view;
    private readonly float[] _gray;
    private readonly float[]? _mask;

    /// <summary>Prepares the scan once for any number of maps.</summary>
    /// <param name="scan">The scan (its first channel is shown; colour scans as luminance).</param>
    /// <param name="lesionMask">An optional mask on the scan's grid (values &gt; 0 inside).</param>
    public MapRenderer(MedicalImage scan, float[]? lesionMask = null)
    {
        ArgumentNullException.ThrowIfNull(scan);
        _scan = scan;
        _view = new SliceView(scan);
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

    /// <summary>Draws the scan alone (no map), in the same planes a map would get.</summary>
    /// <param name="at">The voxel (display order) the planes go through; null for the centre.</param>
    public SKBitmap RenderScan((int X, int Y, int Z)? at = null) => Render(new float[_gray.Length], 1, diverging: true, at ?? Centre());

    /// <summary>Draws a map: planes through its peak (or <paramref name="at"/>), scaled by the given percentile of |map|.</summary>
    /// <param name="map">Values on the scan's grid.</param>
    /// <param name="percentile">The |value| percentile shown at full colour.</param>
    /// <param name="at">The voxel (display order) the planes go through; null for the map's peak.</param>
    /// <param name="carriesSign">Whether the method's maps carry a sign (diverging colours centred on zero) or are
    /// magnitudes (sequential); null to judge by this map's values, which flips from scan to scan for one method.</param>
    public SKBitmap RenderMap(float[] map, double percentile = Overlay.DefaultPercentile, (int X, int Y, int Z)? at = null, bool? carriesSign = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        float[] oriented = _view.Orient(map);
        bool diverging = carriesSign ?? oriented.Any(v => v < 0);
        return Render(oriented, Overlay.RobustMax(oriented, percentile), diverging, at ?? _view.Peak(oriented));
    }

    /// <summary>Gets the display-order voxel where a map peaks, to share planes between maps.</summary>
    /// <param name="map">Values on the scan's grid.</param>
    public (int X, int Y, int Z) PeakOf(float[] map) => _view.Peak(_view.Orient(map));

    /// <summary>Writes a bitmap as PNG.</summary>
    /// <param name="bitmap">The picture.</param>
    /// <param name="path">The file.</param>
    public static void SavePng(SKBitmap bitmap, string path)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, png.SaveTo);
    }

    private (int X, int Y, int Z) Centre() => (_view.Dims[0] / 2, _view.Dims[1] / 2, _view.Dims[2] / 2);

    private SKBitmap Render(float[] oriented, float scale, bool diverging, (int X, int Y, int Z) at)
    {
        Plane[] planes = IsVolume ? [Plane.Axial, Plane.Coronal, Plane.Sagittal] : [Plane.Axial];
        List<SKBitmap> tiles = [.. planes.Select(plane => Tile(oriented, scale, diverging, plane, plane switch { Plane.Axial => at.Z, Plane.Coronal => at.Y, _ => at.X }))];
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

    private SKBitmap Tile(float[] oriented, float scale, bool diverging, Plane plane, int index)
    {
        (float[] gray, int w, int h, double sx, double sy) = _view.Cut(_gray, plane, index);
        float[] map = _view.Cut(oriented, plane, index).Pixels;
        float[] mask = _mask is null ? [] : _view.Cut(_mask, plane, index).Pixels;
        using SKBitmap raw = Overlay.RenderGray(gray, map, w, h, scale, diverging, mask);
        double physicalW = w * sx, physicalH = h * sy, fit = LongSide / Math.Max(physicalW, physicalH);
        var size = new SKImageInfo(Math.Max(1, (int)Math.Round(physicalW * fit)), Math.Max(1, (int)Math.Round(physicalH * fit)));
        return raw.Resize(size, new SKSamplingOptions(SKFilterMode.Nearest)) ?? throw new InvalidOperationException("Skia could not resize a tile.");
    }

    private static float[] Luminance(MedicalImage scan)
    {
        int n = scan.VoxelsPerChannel;
        float[] v = scan.Voxels;
        return [.. Enumerable.Range(0, n).Select(i => (0.299f * v[i]) + (0.587f * v[n + i]) + (0.114f * v[(2 * n) + i]))];
    }
}
