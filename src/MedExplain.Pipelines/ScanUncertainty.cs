using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;
using MedExplain.Imaging.Samples;
using MedExplain.Uncertainty;

namespace MedExplain.Pipelines;

/// <summary>A segmentation's voxelwise uncertainty put back on the scan's own voxels (linearly, as the probabilities
/// are), with means over the voxels the model saw and over those it labelled foreground.</summary>
/// <param name="PredictiveEntropy">H of the mean probabilities per voxel (nats).</param>
/// <param name="MutualInformation">The model's own uncertainty per voxel (nats).</param>
/// <param name="StandardDeviation">The spread of the predicted class's probability per voxel.</param>
/// <param name="Method">How the samples were obtained.</param>
/// <param name="Samples">How many.</param>
/// <param name="Seen">Means over the voxels the model saw (one slice for a 2D model of a volume).</param>
/// <param name="Foreground">Means over the voxels labelled with a class other than 0, or null when there are none.</param>
public sealed record ScanUncertainty(MedicalImage PredictiveEntropy, MedicalImage MutualInformation, MedicalImage StandardDeviation, string Method, int Samples, UncertaintyMeans Seen, UncertaintyMeans? Foreground)
{
    /// <summary>Maps <paramref name="maps"/> back onto the scan <paramref name="scan"/> was prepared from.</summary>
    /// <param name="scan">The prepared scan.</param>
    /// <param name="maps">The uncertainty on the model's grid.</param>
    /// <param name="method">How the samples were obtained.</param>
    /// <param name="segmentation">The segmentation on the scan, whose labels pick the foreground.</param>
    public static ScanUncertainty Of(PreparedScan scan, VoxelUncertainty maps, string method, ScanSegmentation segmentation)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(segmentation);
        MedicalImage OnScan(float[] map) => scan.Scan.WithVoxels(scan.Transform.MapBack(map));
        MedicalImage entropy = OnScan(maps.PredictiveEntropy), information = OnScan(maps.MutualInformation), deviation = OnScan(maps.StandardDeviation);
        int plane = scan.Scan.Dims[0] * scan.Scan.Dims[1];
        bool Seen(int v) => segmentation.SliceOnly is not int z || v / plane == z;
        UncertaintyMeans seen = UncertaintyMeans.Over(entropy, information, deviation, Seen)!;
        UncertaintyMeans? foreground = UncertaintyMeans.Over(entropy, information, deviation, v => Seen(v) && segmentation.Labels.Voxels[v] != 0);
        return new ScanUncertainty(entropy, information, deviation, method, maps.Samples, seen, foreground);
    }

    /// <summary>Writes the three maps as float32 NIfTI with the scan's affine: STEM-entropy, STEM-mutual-information and
    /// STEM-uncertainty-std (.nii.gz) in <paramref name="folder"/>.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="stem">The scan's name without extension.</param>
    /// <returns>The files written.</returns>
    public string[] Write(string folder, string stem)
    {
        (MedicalImage Image, string Suffix, string Description)[] maps =
        [
            (PredictiveEntropy, "entropy", "MedExplain predictive entropy (nats)"),
            (MutualInformation, "mutual-information", "MedExplain mutual information (nats)"),
            (StandardDeviation, "uncertainty-std", "MedExplain std of the predicted class probability"),
        ];
        return [.. maps.Select(m =>
        {
            string path = Path.Combine(folder, $"{stem}-{m.Suffix}.nii.gz");
            NiftiWriter.Write(path, m.Image, SampleType.Float32, m.Description);
            return path;
        })];
    }
}

/// <summary>Mean uncertainty over a set of voxels.</summary>
/// <param name="Voxels">How many voxels.</param>
/// <param name="PredictiveEntropy">Their mean predictive entropy (nats).</param>
/// <param name="MutualInformation">Their mean mutual information (nats).</param>
/// <param name="StandardDeviation">Their mean spread of the predicted class's probability.</param>
public sealed record UncertaintyMeans(long Voxels, double PredictiveEntropy, double MutualInformation, double StandardDeviation)
{
    /// <summary>The means over the voxels <paramref name="include"/> selects, or null when it selects none.</summary>
    internal static UncertaintyMeans? Over(MedicalImage entropy, MedicalImage information, MedicalImage deviation, Func<int, bool> include)
    {
        long count = 0;
        double h = 0, mi = 0, sd = 0;
        for (int v = 0; v < entropy.Voxels.Length; v++)
        {
            if (include(v))
            {
                count++;
                h += entropy.Voxels[v];
                mi += information.Voxels[v];
                sd += deviation.Voxels[v];
            }
        }

        return count == 0 ? null : new UncertaintyMeans(count, h / count, mi / count, sd / count);
    }
}
