namespace MedExplain.Cases;

/// <summary>Coarse grids over an input's voxels: a layer's positions, or occlusion windows.</summary>
internal static class Grid
{
    /// <summary>For each voxel of a grid (row-major, the last axis fastest), the cell of a coarser grid holding it: each
    /// axis cut into <paramref name="cells"/> near-equal parts.</summary>
    /// <param name="spatial">The fine grid's shape.</param>
    /// <param name="cells">The coarse grid's shape, axis by axis no larger than the fine one's.</param>
    public static int[] CellOf(int[] spatial, int[] cells)
    {
        int voxels = spatial.Aggregate(1, (a, b) => a * b);
        int[] cellOf = new int[voxels];
        int[] at = new int[spatial.Length];
        for (int v = 0; v < voxels; v++)
        {
            int cell = 0;
            for (int d = 0; d < at.Length; d++)
            {
                cell = (cell * cells[d]) + (int)((long)at[d] * cells[d] / spatial[d]);
            }

            cellOf[v] = cell;
            for (int d = at.Length - 1; d >= 0 && ++at[d] == spatial[d]; d--)
            {
                at[d] = 0;
            }
        }

        return cellOf;
    }
}
