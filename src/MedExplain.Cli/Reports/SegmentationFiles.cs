using MedExplain.Imaging;
using MedExplain.Pipelines;

namespace MedExplain.Cli.Reports;

/// <summary>Where <c>predict --out</c> puts a segmentation: NAME-segmentation.nii.gz and NAME-probabilities.nii.gz.</summary>
internal static class SegmentationFiles
{
    public static string[] Write(ScanSegmentation segmentation, string folder, string inputPath)
    {
        string name = ScanFolder.Stem(inputPath);
        string labels = Path.Combine(folder, $"{name}-segmentation.nii.gz"), probabilities = Path.Combine(folder, $"{name}-probabilities.nii.gz");
        segmentation.Write(labels, probabilities);
        return [labels, probabilities];
    }
}
