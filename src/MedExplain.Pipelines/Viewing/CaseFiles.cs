using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;
using MedExplain.Imaging.Samples;

namespace MedExplain.Pipelines.Viewing;

/// <summary>
/// The files a viewer needs for one explanation, written into an output folder: the scan as NIfTI (its first channel,
/// also when it came as DICOM or PNG), the lesion mask and atlas on its grid, and each map on its grid, each on the
/// scan's affine so any NIfTI viewer overlays them. Explain's output and the server's uploads both use it.
/// </summary>
public static class CaseFiles
{
    /// <summary>Writes the files under <c>maps/</c> in <paramref name="folder"/>, named by <paramref name="stem"/>.</summary>
    /// <param name="explanation">The explanation.</param>
    /// <param name="folder">The output folder.</param>
    /// <param name="stem">The scan's name in the output.</param>
    /// <param name="scales">Each map's colour scale (the figures' own, so viewer and figures agree).</param>
    /// <returns>The case's entry for the folder's case list; its paths are the files written, relative to the folder.</returns>
    public static ExplainedCase Write(Explanation explanation, string folder, string stem, IReadOnlyList<Imaging.Rendering.ColourScale> scales)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        ArgumentNullException.ThrowIfNull(scales);
        MedicalImage scan = explanation.Input.Scan;
        Directory.CreateDirectory(Path.Combine(folder, "maps"));
        string Write(string relative, float[] voxels, SampleType type = SampleType.Float32)
        {
            NiftiWriter.Write(Path.Combine(folder, relative), scan.WithVoxels(voxels), type, "MedExplain attribution map");
            return relative;
        }

        string scanFile = Write($"maps/{stem}-scan.nii.gz", scan.Channels == 1 ? scan.Voxels : scan.Voxels[..scan.VoxelsPerChannel]);
        string? lesionFile = explanation.LesionMask is { } lesion ? Write($"maps/{stem}-lesion.nii.gz", lesion, SampleType.UInt8) : null;
        string? atlasFile = explanation.Atlas is { } atlas ? Write($"maps/{stem}-atlas.nii.gz", atlas.LabelsOnScan, SampleType.Int16) : null;
        ExplainedMap[] maps = [.. explanation.Maps.Select((m, i) => new ExplainedMap(m.Method, Write($"maps/{stem}-{m.Method}.nii.gz", m.OnScan), scales[i].Max, scales[i].Diverging))];
        return new ExplainedCase(stem, scanFile, lesionFile, atlasFile, explanation.ModelName, explanation.Prediction.ClassName, explanation.Prediction.Confidence, explanation.Summary?.Text, maps);
    }
}
