using MedExplain.Imaging.Geometry;

namespace MedExplain.Imaging.Rendering;

/// <summary>The three standard planes.</summary>
public enum Plane
{
    /// <summary>Across z: seen from the feet, anterior up, patient right on the viewer's left.</summary>
    Axial,

    /// <summary>Across y: seen from the front, superior up, patient right on the viewer's left.</summary>
    Coronal,

    /// <summary>Across x: seen from the patient's left, superior up, anterior on the viewer's left.</summary>
    Sagittal,
}

/// <summary>The letters at the four edges of a displayed plane: which way the patient lies.</summary>
/// <param name="Top">Toward the top edge (A or S).</param>
/// <param name="Bottom">Toward the bottom edge.</param>
/// <param name="Left">Toward the viewer's left edge.</param>
/// <param name="Right">Toward the viewer's right edge.</param>
public sealed record EdgeMarkers(string Top, string Bottom, string Left, string Right);

/// <summary>
/// Cuts display slices from values on a scan's grid. Scans with geometry are first put in RAS order and drawn in the
/// radiological convention that PACS viewers use: anterior or superior up, the patient's right on the viewer's left.
/// Scans without geometry (PNG, NPY) are shown in array order, row 0 at the top, with no orientation claimed.
/// </summary>
public sealed class SliceView
{
    /// <summary>The display convention, as stated on figures.</summary>
    public const string Convention = "radiological convention: patient's right on the viewer's left";

    private readonly int[] _dims;
    private readonly AxisReorientation? _toRas;
    private readonly double[] _spacing;

    /// <summary>Creates a view of a grid.</summary>
    /// <param name="image">The scan whose grid the values are on.</param>
    public SliceView(MedicalImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        _toRas = image.Metadata.HasGeometry ? AxisReorientation.Plan(image.Affine, "RAS") : null;
        _dims = image.Dims;
        Dims = _toRas?.Dims(image.Dims) ?? image.Dims;
        double[] spacing = image.Spacing;
        _spacing = _toRas is null ? spacing : [.. _toRas.SourceAxis.Select(a => spacing[a])];
        Upright = _toRas is not null;
    }

    /// <summary>Gets the dims in display order (x, y, z): RAS for scans with geometry.</summary>
    public int[] Dims { get; }

    /// <summary>Gets a value indicating whether the scan's geometry is known, so planes are drawn upright in the
    /// radiological convention (else in array order).</summary>
    public bool Upright { get; }

    /// <summary>The letters for a plane's edges, or null when the scan has no geometry to say it.</summary>
    /// <param name="plane">The plane.</param>
    public EdgeMarkers? Markers(Plane plane) => !Upright ? null : plane switch
    {
        Plane.Axial => new EdgeMarkers("A", "P", "R", "L"),
        Plane.Coronal => new EdgeMarkers("S", "I", "R", "L"),
        _ => new EdgeMarkers("S", "I", "A", "P"),
    };

    /// <summary>Puts values of the scan's grid in display order.</summary>
    /// <param name="values">One channel on the scan's grid.</param>
    public float[] Orient(ReadOnlySpan<float> values) => _toRas?.Apply(values, _dims) ?? values.ToArray();

    /// <summary>Gets the display-order voxel with the largest |value|.</summary>
    /// <param name="oriented">Values from <see cref="Orient"/>.</param>
    public (int X, int Y, int Z) Peak(ReadOnlySpan<float> oriented)
    {
        int best = 0;
        for (int n = 1; n < oriented.Length; n++)
        {
            best = Math.Abs(oriented[n]) > Math.Abs(oriented[best]) ? n : best;
        }

        return (best % Dims[0], best / Dims[0] % Dims[1], best / (Dims[0] * Dims[1]));
    }

    /// <summary>Gets, along each display axis, the plane that holds the most of a mask (so each view shows the lesion at
    /// its largest), or null when the mask is empty.</summary>
    /// <param name="oriented">A mask from <see cref="Orient"/> (values &gt; 0 inside).</param>
    public (int X, int Y, int Z)? Largest(ReadOnlySpan<float> oriented)
    {
        var counts = new[] { new int[Dims[0]], new int[Dims[1]], new int[Dims[2]] };
        bool any = false;
        for (int n = 0; n < oriented.Length; n++)
        {
            if (oriented[n] > 0)
            {
                any = true;
                counts[0][n % Dims[0]]++;
                counts[1][n / Dims[0] % Dims[1]]++;
                counts[2][n / (Dims[0] * Dims[1])]++;
            }
        }

        static int ArgMax(int[] c) => Array.IndexOf(c, c.Max());
        return any ? (ArgMax(counts[0]), ArgMax(counts[1]), ArgMax(counts[2])) : null;
    }

    /// <summary>Cuts one plane, rows top to bottom.</summary>
    /// <param name="oriented">Values from <see cref="Orient"/>.</param>
    /// <param name="plane">Which plane.</param>
    /// <param name="index">Where along its normal.</param>
    /// <returns>The pixels row-major, the size, and the pixel spacing (mm) across and down.</returns>
    public (float[] Pixels, int Width, int Height, double SpacingX, double SpacingY) Cut(ReadOnlySpan<float> oriented, Plane plane, int index)
    {
        (int w, int h) = plane switch
        {
            Plane.Axial => (Dims[0], Dims[1]),
            Plane.Coronal => (Dims[0], Dims[2]),
            _ => (Dims[1], Dims[2]),
        };
        var pixels = new float[w * h];
        for (int row = 0; row < h; row++)
        {
            // Upright views put the highest y (anterior) or z (superior) at the top.
            int v = Upright || plane != Plane.Axial ? h - 1 - row : row;
            for (int col = 0; col < w; col++)
            {
                // Radiological: the highest x (patient right) in the first column; sagittal: anterior first.
                int across = Upright || plane == Plane.Sagittal ? w - 1 - col : col;
                (int x, int y, int z) = plane switch
                {
                    Plane.Axial => (across, v, index),
                    Plane.Coronal => (across, index, v),
                    _ => (index, across, v),
                };
                pixels[(row * w) + col] = oriented[x + (Dims[0] * (y + (Dims[1] * z)))];
            }
        }

        (double sx, double sy) = plane switch
        {
            Plane.Axial => (_spacing[0], _spacing[1]),
            Plane.Coronal => (_spacing[0], _spacing[2]),
            _ => (_spacing[1], _spacing[2]),
        };
        return (pixels, w, h, sx, sy);
    }
}
