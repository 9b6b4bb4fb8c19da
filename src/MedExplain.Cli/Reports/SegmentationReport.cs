using MedExplain.Imaging;
using MedExplain.Pipelines;

namespace MedExplain.Cli.Reports;

/// <summary>The JSON shape of <c>medexplain predict --json</c> for a segmentation model.</summary>
internal sealed record SegmentationReport(string Model, string Input, int[] Dims, double[] SpacingMm, int? SliceOnly, IReadOnlyList<ClassVolume> Volumes, IReadOnlyList<string> Files)
{
    public static SegmentationReport Of(string model, string input, ScanSegmentation segmentation, IReadOnlyList<string> files) =>
        new(model, input, segmentation.Labels.Dims, segmentation.Labels.Spacing, segmentation.SliceOnly, segmentation.Volumes, files);
}
