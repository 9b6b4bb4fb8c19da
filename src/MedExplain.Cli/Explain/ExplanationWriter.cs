using MedExplain.Pipelines;
using MedExplain.Cli.Reports;
using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;
using MedExplain.Imaging.Npy;
using MedExplain.Imaging.Rendering;
using SkiaSharp;

namespace MedExplain.Cli.Explain;

/// <summary>Writes one explanation's files: maps as NIfTI (scan affine) and NPY, overlay PNGs, the method figure, and its report section.</summary>
internal static class ExplanationWriter
{
    /// <returns>Each map's colour scale, for other renderings of the same maps.</returns>
    public static IReadOnlyList<ColourScale> Write(Explanation explanation, string folder, string stem, HtmlReport report, TextWriter log)
    {
        MedicalImage scan = explanation.Input.Scan;
        Directory.CreateDirectory(Path.Combine(folder, "maps"));
        Directory.CreateDirectory(Path.Combine(folder, "figures"));
        var files = new List<string>();
        if (!scan.Metadata.Format.StartsWith("NIfTI", StringComparison.Ordinal))
        {
            // A base image for viewers when the scan itself is not NIfTI (a DICOM series, a PNG).
            files.Add(WriteNifti(folder, $"maps/{stem}-scan.nii.gz", scan.Channels == 1 ? scan : scan.WithVoxels(scan.Voxels[..scan.VoxelsPerChannel])));
        }

        if (explanation.Segmentation is { } segmentation)
        {
            string labels = $"maps/{stem}-segmentation.nii.gz", probabilities = $"maps/{stem}-probabilities.nii.gz";
            segmentation.OnScan.Write(Path.Combine(folder, labels), Path.Combine(folder, probabilities));
            files.AddRange([labels, probabilities]);
        }

        var renderer = new MapRenderer(scan, explanation.LesionMask);
        (int X, int Y, int Z) planes = renderer.Focus(explanation.Maps.Count > 0 ? explanation.Maps[0].OnScan : null);
        string through = renderer.FocusesOnLesion ? "the lesion at its largest" : explanation.Maps.Count > 0 ? $"the peak of {explanation.Maps[0].Method}" : "the centre";
        var panels = new List<byte[]>();
        FigureScales figureScales = FigureScales.For([.. explanation.Maps.Select(m => new[] { m })]);
        IReadOnlyList<ColourScale> scales = figureScales.Scales;
        var tiles = new List<SKBitmap> { renderer.RenderScan(planes) };
        for (int m = 0; m < explanation.Maps.Count; m++)
        {
            MethodMap map = explanation.Maps[m];
            MedicalImage onScan = scan.WithVoxels(map.OnScan);
            files.Add(WriteNifti(folder, $"maps/{stem}-{map.Method}.nii.gz", onScan));
            string npy = $"maps/{stem}-{map.Method}.npy";
            NpyWriter.Write(Path.Combine(folder, npy), new FloatTensor([scan.Dims[2], scan.Dims[1], scan.Dims[0]], map.OnScan));
            files.Add(npy);

            ColourScale scale = scales[m];
            using SKBitmap panel = renderer.RenderMap(map.OnScan, scale, planes);
            string png = $"figures/{stem}-{map.Method}.png";
            MapRenderer.SavePng(panel, Path.Combine(folder, png));
            files.Add(png);
            panels.Add(File.ReadAllBytes(Path.Combine(folder, png)));
            tiles.Add(renderer.RenderMap(map.OnScan, scale, planes));
        }

        var figure = new PanelFigure($"{explanation.ModelName}: what drove the prediction", ["scan", .. explanation.Maps.Select((m, i) => $"{m.Method}\n{scales[i].Range}")]);
        figure.Notes.Add(renderer.ConventionNote + (explanation.LesionMask is null ? string.Empty : " Green: the lesion outline."));
        if (figureScales.Note is { } shared)
        {
            figure.Notes.Add(shared);
        }
        string label = $"{Path.GetFileName(scan.Metadata.Source.TrimEnd('/', '\\'))}\npredicted {explanation.Prediction.ClassName}\n{explanation.Prediction.Confidence * 100:0.0}%";
        figure.AddRow(renderer.IsVolume ? $"{label}\nplanes through\n{through}" : label, tiles);
        string figurePath = $"figures/{stem}.png";
        figure.Save(Path.Combine(folder, figurePath));
        files.Insert(0, figurePath);
        report.Add(explanation, new ExplanationFigures(File.ReadAllBytes(Path.Combine(folder, figurePath)), panels, scales, renderer.ConventionNote, renderer.IsVolume ? through : null, figureScales.Note), files, stem);
        log.WriteLine($"wrote {files.Count} files under {folder}");
        return scales;
    }

    private static string WriteNifti(string folder, string relative, MedicalImage image)
    {
        NiftiWriter.Write(Path.Combine(folder, relative), image, description: "MedExplain attribution map");
        return relative;
    }
}
