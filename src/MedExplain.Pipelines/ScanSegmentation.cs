using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;
using MedExplain.Imaging.Samples;
using MedExplain.Prediction;

namespace MedExplain.Pipelines;

/// <summary>A segmentation put back on the scan's own voxels: each class's probability mapped back through the inverse
/// of the model-input transform (linear), the label of the most probable class at each scan voxel, and the volume of
/// every class in millilitres from the scan's voxel size.</summary>
/// <param name="Labels">The label map on the scan's grid, with the scan's affine.</param>
/// <param name="Probabilities">One probability per class and voxel (a 4D image, class = 4th axis).</param>
/// <param name="Volumes">Every class's voxel count and volume.</param>
/// <param name="SliceOnly">For a 2D model of a volume: the one slice the segmentation covers; null when it covers all.</param>
public sealed record ScanSegmentation(MedicalImage Labels, MedicalImage Probabilities, IReadOnlyList<ClassVolume> Volumes, int? SliceOnly)
{
    /// <summary>Maps <paramref name="item"/> back onto the scan <paramref name="scan"/> was prepared from.</summary>
    /// <param name="scan">The prepared scan.</param>
    /// <param name="item">The model's segmentation of it.</param>
    /// <param name="classNames">The class names, label order.</param>
    public static ScanSegmentation Of(PreparedScan scan, SegmentedItem item, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(classNames);
        float[][] onScan = [.. item.Probabilities.Select(p => scan.Transform.MapBack(p))];
        int voxels = scan.Scan.VoxelsPerChannel, classes = onScan.Length;
        var labels = new float[voxels];
        var counts = new long[classes];
        var stacked = new float[voxels * classes];
        for (int v = 0; v < voxels; v++)
        {
            int label = SegmentedItem.ArgMax(onScan, v);
            labels[v] = label;
            counts[label]++;
        }

        for (int c = 0; c < classes; c++)
        {
            onScan[c].CopyTo(stacked, c * voxels);
        }

        // A 2D model of a volume sees one slice: the other slices hold no prediction, so they are not counted.
        int? slice = scan.Transform.Slice;
        if (slice is not null)
        {
            counts[0] -= voxels - (voxels / scan.Scan.Dims[2]);
        }

        double millilitresPerVoxel = Math.Abs(scan.Scan.Affine.Determinant3) / 1000;
        ClassVolume[] volumes = [.. Enumerable.Range(0, classes).Select(c => new ClassVolume(c, classNames[c], counts[c], counts[c] * millilitresPerVoxel))];
        MedicalImage labelImage = scan.Scan.WithVoxels(labels, "uint8");
        var probabilityImage = new MedicalImage(scan.Scan.Dims, classes, stacked, scan.Scan.Affine, labelImage.Metadata with { DataType = "float32" });
        return new ScanSegmentation(labelImage, probabilityImage, volumes, slice);
    }

    /// <summary>Writes the labels (uint8) and the per-class probabilities (float32, 4D) as NIfTI with the scan's affine.</summary>
    /// <param name="labelsPath">The label map's file.</param>
    /// <param name="probabilitiesPath">The probabilities' file.</param>
    public void Write(string labelsPath, string probabilitiesPath)
    {
        NiftiWriter.Write(labelsPath, Labels, Labels.Voxels.Max() <= byte.MaxValue ? SampleType.UInt8 : SampleType.Int16, "MedExplain segmentation labels");
        NiftiWriter.Write(probabilitiesPath, Probabilities, SampleType.Float32, "MedExplain segmentation probabilities");
    }
}

/// <summary>How much of the scan one class covers.</summary>
/// <param name="Label">The class's label.</param>
/// <param name="Name">Its name.</param>
/// <param name="Voxels">Scan voxels labelled with it.</param>
/// <param name="Millilitres">Their volume.</param>
public sealed record ClassVolume(int Label, string Name, long Voxels, double Millilitres);
