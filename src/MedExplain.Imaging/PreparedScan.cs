using MedExplain.Imaging.Transforms;

namespace MedExplain.Imaging;

/// <summary>A scan read for a model: the scan as it is, the planned transform, and the model-ready batch of one.</summary>
/// <param name="Scan">The scan on its own grid.</param>
/// <param name="Transform">Scan to model grid and back.</param>
/// <param name="Batch">The input tensor (1, C, [D,] H, W), normalised when asked.</param>
public sealed record PreparedScan(MedicalImage Scan, ModelInputTransform Transform, FloatTensor Batch)
{
    /// <summary>Reads a label map (lesion mask, atlas, region labels) drawn on this scan's grid and puts it on the model's
    /// grid by nearest neighbour, so labels stay labels.</summary>
    /// <param name="path">The label map; it must have the scan's dimensions.</param>
    public float[] LabelsOnModelGrid(string path)
    {
        MedicalImage labels = MedicalImageReader.Read(path);
        return labels.Dims.SequenceEqual(Scan.Dims)
            ? Transform.ApplyLabels(labels.Voxels)
            : throw new MedExplainInputException(path, $"is a label map of {string.Join("×", labels.Dims)} voxels; the scan has {string.Join("×", Scan.Dims)}.");
    }
}
