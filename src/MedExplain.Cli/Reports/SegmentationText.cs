using MedExplain.Imaging;
using MedExplain.Pipelines;

namespace MedExplain.Cli.Reports;

/// <summary>Writes a segmentation for people: the scan's grid, then each class's voxels and volume.</summary>
internal static class SegmentationText
{
    public static void Write(TextWriter w, string input, ScanSegmentation segmentation, IReadOnlyList<string> written, ScanUncertainty? uncertainty = null)
    {
        MedicalImage labels = segmentation.Labels;
        w.WriteLine($"{input}: segmentation on the scan's grid, {string.Join("×", labels.Dims)} voxels of {string.Join(" × ", labels.Spacing.Select(s => $"{s:0.###}"))} mm" +
                    (segmentation.SliceOnly is int k ? $" (a 2D model: slice {k} only)" : string.Empty));
        int width = segmentation.Volumes.Max(v => v.Name.Length);
        foreach (ClassVolume volume in segmentation.Volumes)
        {
            w.WriteLine($"  {volume.Label}  {volume.Name.PadRight(width)}  {volume.Voxels,10} voxels  {volume.Millilitres,10:0.###} mL");
        }

        if (uncertainty is not null)
        {
            w.WriteLine($"uncertainty ({uncertainty.Method}; nats):");
            w.WriteLine($"  {Means(uncertainty.Seen)} over the {uncertainty.Seen.Voxels} voxels the model saw");
            w.WriteLine(uncertainty.Foreground is { } f ? $"  {Means(f)} over the {f.Voxels} foreground voxels" : "  no foreground voxels");
        }

        foreach (string path in written)
        {
            w.WriteLine($"wrote {path}");
        }
    }

    private static string Means(UncertaintyMeans m) => FormattableString.Invariant($"mean predictive entropy {m.PredictiveEntropy:0.####}, mutual information {m.MutualInformation:0.####}, std of the predicted class {m.StandardDeviation:0.####}");
}
