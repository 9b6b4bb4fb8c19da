using MedExplain.Pipelines;
using MedExplain.Pipelines.Viewing;
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
    /// <returns>Each map's colour scale, for other renderings of the same maps, and the case's entry in the folder's case list.</returns>
    public static (IReadOnlyList<ColourScale> Scales, ExplainedCase Case) Write(Explanation explanation, string folder, string stem, HtmlReport report, TextWriter log)
    {
        MedicalImage scan = explanation.Input.Scan;
        Directory.CreateDirectory(Path.Combine(folder, "figures"));
        FigureScales figureScales = FigureScales.For([.. explanation.Maps.Select(m => new[] { m })]);
        IReadOnlyList<ColourScale> scales = figureScales.Scales;

        // What a viewer reads (the scan, masks and maps as NIfTI on the scan's grid), then what only the report uses.
        ExplainedCase listed = CaseFiles.Write(explanation, folder, stem, scales);
        var files = new List<string> { listed.Scan };
        files.AddRange(new[] { listed.LesionMask, listed.Atlas }.OfType<string>());

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
        var spreads = new List<(byte[] Png, ColourScale Scale)?>();
        for (int m = 0; m < explanation.Maps.Count; m++)
        {
            MethodMap map = explanation.Maps[m];
            files.Add(listed.Maps[m].File);
            spreads.Add(null);
            if (map.Spread is { } spread)
            {
                files.Add(WriteNifti(folder, $"maps/{stem}-{map.Method}-spread.nii.gz", scan.WithVoxels(spread.StandardDeviationOnScan)));
                var spreadScale = ColourScale.Of([spread.StandardDeviationOnScan], carriesSign: false);
                using SKBitmap spreadPanel = renderer.RenderMap(spread.StandardDeviationOnScan, spreadScale, planes);
                string spreadPng = $"figures/{stem}-{map.Method}-spread.png";
                MapRenderer.SavePng(spreadPanel, Path.Combine(folder, spreadPng));
                files.Add(spreadPng);
                spreads[^1] = (File.ReadAllBytes(Path.Combine(folder, spreadPng)), spreadScale);
            }

            string npy = $"maps/{stem}-{map.Method}.npy";
            NpyWriter.Write(Path.Combine(folder, npy), new FloatTensor([scan.Dims[2], scan.Dims[1], scan.Dims[0]], map.OnScan));
            files.Add(npy);

            ColourScale scale = scales[m];
            using SKBitmap panel = renderer.RenderMap(map.OnScan, scale, planes);
            string png = $"figures/{stem}-{map.Method}.png";
            MapRenderer.SavePng(panel, Path.Combine(folder, png));
            files.Add(png);
            panels.Add(File.ReadAllBytes(Path.Combine(folder, png)));
        }

        string label = $"{Path.GetFileName(scan.Metadata.Source.TrimEnd('/', '\\'))}\npredicted {explanation.Prediction.ClassName}\n{explanation.Prediction.Confidence * 100:0.0}%";
        PanelFigure figure = renderer.IsVolume ? ByPlane(renderer, explanation, scales, planes, $"{label}\nplanes through\n{through}") : ByMethod(renderer, explanation, scales, label);
        figure.Notes.Add(renderer.ConventionNote + (explanation.LesionMask is null ? string.Empty : " Green: the lesion outline."));
        if (figureScales.Note is { } shared)
        {
            figure.Notes.Add(shared);
        }

        if (explanation.Summary is { } summary)
        {
            string json = $"{stem}-summary.json";
            AtomicFile.WriteAllText(Path.Combine(folder, json), System.Text.Json.JsonSerializer.Serialize(new { scan = Path.GetFileName(scan.Metadata.Source.TrimEnd('/', '\\')), model = explanation.ModelName, summary = summary.Text, facts = summary.Facts }, JsonOutput.Options));
            files.Add(json);
        }

        byte[]? similar = null;
        if (explanation.SimilarCases is { Cases.Count: > 0 } cases)
        {
            string similarPng = $"figures/{stem}-similar.png";
            SimilarCasesFigure.Of(cases).Save(Path.Combine(folder, similarPng));
            files.Add(similarPng);
            similar = File.ReadAllBytes(Path.Combine(folder, similarPng));
        }

        string figurePath = $"figures/{stem}.png";
        figure.Save(Path.Combine(folder, figurePath));
        files.Insert(0, figurePath);
        report.Add(explanation, new ExplanationFigures(File.ReadAllBytes(Path.Combine(folder, figurePath)), panels, scales, renderer.ConventionNote, renderer.IsVolume ? through : null, figureScales.Note) { Spreads = spreads, SimilarCases = similar }, files, stem);
        log.WriteLine($"wrote {files.Count} files under {folder}");
        return (scales, listed);
    }

    /// <summary>A 2D scan: one row, the scan and then each method across.</summary>
    private static PanelFigure ByMethod(MapRenderer renderer, Explanation explanation, IReadOnlyList<ColourScale> scales, string label)
    {
        var figure = new PanelFigure($"{explanation.ModelName}: what drove the prediction", ["scan", .. explanation.Maps.Select((m, i) => $"{m.Method}\n{scales[i].Range}")]);
        figure.AddRow(label, [renderer.RenderScan(), .. explanation.Maps.Select((m, i) => renderer.RenderMap(m.OnScan, scales[i]))]);
        return figure;
    }

    /// <summary>A volume: the three planes across, the scan and then each method down, as a viewer lays them out.</summary>
    private static PanelFigure ByPlane(MapRenderer renderer, Explanation explanation, IReadOnlyList<ColourScale> scales, (int X, int Y, int Z) at, string label)
    {
        var figure = new PanelFigure($"{explanation.ModelName}: what drove the prediction", [.. renderer.Planes.Select(p => p.ToString().ToLowerInvariant())]);
        figure.AddRow($"scan\n{label}", [.. renderer.Planes.Select(p => renderer.RenderScan(at, [p]))]);
        for (int m = 0; m < explanation.Maps.Count; m++)
        {
            MethodMap map = explanation.Maps[m];
            figure.AddRow($"{map.Method}\n{scales[m].Range}", [.. renderer.Planes.Select(p => renderer.RenderMap(map.OnScan, scales[m], at, [p]))]);
        }

        return figure;
    }

    private static string WriteNifti(string folder, string relative, MedicalImage image)
    {
        NiftiWriter.Write(Path.Combine(folder, relative), image, description: "MedExplain attribution map");
        return relative;
    }
}
