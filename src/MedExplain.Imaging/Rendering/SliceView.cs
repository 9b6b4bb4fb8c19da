using MedExplain.Imaging.Geometry;

namespace MedExplain.Imaging.Rendering;

/// <summary>The three standard planes.</summary>
public enum Plane
{
    /// <summary>Across z: seen from the feet, anterior up.</summary>
    Axial,

    /// <summary>Across y: seen from the front, superior up.</summary>
    Coronal,

    /// <summary>Across x: seen from the side, superior up, anterior left.</summary>
    Sagittal,
}

/// <summary>
/// Cuts display slices from values on a scan's grid. Scans with geometry are first put in RAS order, so every plane is
/// upright whatever the file's voxel order (patient right shown on the right: neurological convention). Scans without
/// geometry (PNG, NPY) are shown in array order, row 0 at the top.
/// </summary>
public sealed class SliceView
{
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

    /// <summary>Gets a value indicating whether rows are flipped so anterior/superior is up (scans with geometry).</summary>
    public bool Upright { get; }

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
                (int x, int y, int z) = plane switch
                {
                    Plane.Axial => (col, v, index),
                    Plane.Coronal => (col, index, v),
                    _ => (index, w - 1 - col, v),
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
