namespace MedExplain.Imaging.Geometry;

/// <summary>The outline of a mask or label map on its own grid, for a viewer to draw over a scan: the labelled voxels
/// that touch a voxel of another label (or none) across a face. Each plane through a region then shows its edge,
/// except a plane that grazes the region's top or bottom, which shows that face whole.</summary>
public static class LabelOutline
{
    /// <summary>Keeps each labelled voxel on a region's edge, with its label; every other voxel becomes 0.</summary>
    /// <param name="labels">Labels (0 outside), i fastest, then j, then k.</param>
    /// <param name="dims">Voxel counts along i, j, k; a single slice (k = 1) is outlined in its plane.</param>
    public static float[] Of(float[] labels, IReadOnlyList<int> dims)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(dims);
        int nx = dims[0], ny = dims[1], nz = dims[2];
        if (labels.Length != (long)nx * ny * nz)
        {
            throw new ArgumentException($"{labels.Length} labels do not fill a {nx}×{ny}×{nz} grid.", nameof(labels));
        }

        var outline = new float[labels.Length];
        for (int k = 0; k < nz; k++)
        {
            for (int j = 0; j < ny; j++)
            {
                for (int i = 0; i < nx; i++)
                {
                    int at = i + (nx * (j + (ny * k)));
                    float label = labels[at];
                    if (label != 0 && OnEdge(labels, label, i, j, k, nx, ny, nz))
                    {
                        outline[at] = label;
                    }
                }
            }
        }

        return outline;
    }

    /// <summary>Whether a face neighbour has another label; the grid's own border counts as outside, except along an
    /// axis of one voxel (a 2D slice has no neighbours above or below).</summary>
    private static bool OnEdge(float[] labels, float label, int i, int j, int k, int nx, int ny, int nz)
    {
        bool Differs(int x, int y, int z) => x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz || labels[x + (nx * (y + (ny * z)))] != label;
        return Differs(i - 1, j, k) || Differs(i + 1, j, k) || Differs(i, j - 1, k) || Differs(i, j + 1, k)
            || (nz > 1 && (Differs(i, j, k - 1) || Differs(i, j, k + 1)));
    }
}
