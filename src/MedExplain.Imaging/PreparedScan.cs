using MedExplain.Imaging.Transforms;

namespace MedExplain.Imaging;

/// <summary>A scan read for a model: the scan as it is, the planned transform, and the model-ready batch of one.</summary>
/// <param name="Scan">The scan on its own grid.</param>
/// <param name="Transform">Scan to model grid and back.</param>
/// <param name="Batch">The input tensor (1, C, [D,] H, W), normalised when asked.</param>
public sealed record PreparedScan(MedicalImage Scan, ModelInputTransform Transform, FloatTensor Batch)
{
    /// <summary>Reads a label map (lesion mask, atlas, region labels), places it on this scan's voxels by where it lies
    /// (<see cref="LabelMaps.OnScanGrid"/>) and puts it on the model's grid by nearest neighbour, so labels stay labels.</summary>
    /// <param name="path">The label map.</param>
    public float[] LabelsOnModelGrid(string path) => Transform.ApplyLabels(LabelMaps.OnScanGrid(path, Scan));
}
