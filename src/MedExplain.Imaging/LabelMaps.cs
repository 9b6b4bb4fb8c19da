namespace MedExplain.Imaging;

/// <summary>Puts label maps (lesion masks, atlases, confounder masks) on their scan's voxels by where they lie, not by
/// array size: a mask on another grid of the same space is resampled (nearest neighbour, so labels stay labels); one
/// that cannot be placed is refused. A mask drawn upside down or on the wrong slice spacing never reaches a figure or a
/// metric.</summary>
public static class LabelMaps
{
    /// <summary>Largest difference between two affines, in millimetres, still taken as the same grid.</summary>
    private const double SameGridTolerance = 1e-3;

    /// <summary>Reads the label map at <paramref name="path"/> and returns it on <paramref name="scan"/>'s voxels.</summary>
    /// <param name="path">The label map.</param>
    /// <param name="scan">The scan it belongs to.</param>
    /// <exception cref="MedExplainInputException">It cannot be placed on the scan.</exception>
    public static float[] OnScanGrid(string path, MedicalImage scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        MedicalImage labels = MedicalImageReader.Read(path);
        if (labels.Channels != 1)
        {
            throw new MedExplainInputException(path, $"has {labels.Channels} channels; a label map has one.");
        }

        bool scanPlaced = scan.Metadata.HasGeometry, labelsPlaced = labels.Metadata.HasGeometry;
        if (!scanPlaced && !labelsPlaced)
        {
            // Two plain arrays (PNG, NPY): all there is to pair by is their size.
            return labels.Dims.SequenceEqual(scan.Dims)
                ? labels.Voxels
                : throw new MedExplainInputException(path, $"is a label map of {Dims(labels)} voxels; the scan has {Dims(scan)}.");
        }

        if (scanPlaced != labelsPlaced)
        {
            throw new MedExplainInputException(path, $"is a {labels.Metadata.Format} label map {(labelsPlaced ? "with" : "without")} a position in space, but the scan ({scan.Metadata.Format}) is {(scanPlaced ? "placed" : "not placed")} in space: they cannot be paired by where they lie. Give the label map in the scan's format.");
        }

        if (scan.Metadata.WorldCode > 0 && labels.Metadata.WorldCode > 0 && scan.Metadata.WorldCode != labels.Metadata.WorldCode)
        {
            throw new MedExplainInputException(path, $"is in world space {labels.Metadata.WorldCode} (NIfTI code) and the scan in {scan.Metadata.WorldCode}: different coordinate systems.");
        }

        if (labels.Dims.SequenceEqual(scan.Dims) && labels.Affine.MaxDifference(scan.Affine) <= SameGridTolerance)
        {
            return labels.Voxels;
        }

        return Resampled(path, labels, scan);
    }

    /// <summary>Each scan voxel takes the label of the label-map voxel whose centre is nearest to its own centre.</summary>
    private static float[] Resampled(string path, MedicalImage labels, MedicalImage scan)
    {
        Geometry.Affine scanToLabels = labels.Affine.Inverse().Multiply(scan.Affine);
        var result = new float[scan.VoxelsPerChannel];
        int[] d = scan.Dims, l = labels.Dims;
        int inside = 0;
        for (int k = 0; k < d[2]; k++)
        {
            for (int j = 0; j < d[1]; j++)
            {
                for (int i = 0; i < d[0]; i++)
                {
                    Geometry.Vector3d p = scanToLabels.Apply(i, j, k);
                    int li = (int)Math.Round(p.X), lj = (int)Math.Round(p.Y), lk = (int)Math.Round(p.Z);
                    if (li >= 0 && li < l[0] && lj >= 0 && lj < l[1] && lk >= 0 && lk < l[2])
                    {
                        result[i + (d[0] * (j + (d[1] * k)))] = labels.Voxels[li + (l[0] * (lj + (l[1] * lk)))];
                        inside++;
                    }
                }
            }
        }

        return inside > 0
            ? result
            : throw new MedExplainInputException(path, $"lies nowhere inside the scan: its {Dims(labels)} voxels at {labels.Affine.AxisCodes} do not overlap the scan's {Dims(scan)}. Is it the mask of another scan?");
    }

    private static string Dims(MedicalImage image) => string.Join("×", image.Dims);
}
