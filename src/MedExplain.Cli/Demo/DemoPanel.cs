using MedExplain.Imaging;
using MedExplain.Imaging.Rendering;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Pipelines;
using SkiaSharp;

namespace MedExplain.Cli.Demo;

/// <summary>The demo's figure for one model: each sample scan beside the maps of the default methods for the predicted
/// class, explained by the library on the scan's own grid and drawn as the report draws it (radiological convention,
/// physical aspect, lesion outline). Volumes show the axial slice where the lesion is largest, else where the first
/// map peaks. Each method's colour scale is shared down its column, so its maps compare across scans.</summary>
internal static class DemoPanel
{
    private static readonly string[] ConvolutionalMethods = ["integrated-gradients", "smoothgrad", "guided-backprop", "grad-cam"];

    private static readonly string[] TransformerMethods = ["gradient-rollout", "lrp-transformer", "attention-rollout", "raw-attention"];

    /// <summary>The methods shown for a model: attention maps for a transformer (its card recommends one), else the
    /// gradient family and Grad-CAM.</summary>
    public static string[] MethodsFor(OnnxModel model) =>
        model.Card?.RecommendedMethods.Any(m => AttributionMethods.Names.Contains(m) && AttributionMethods.Describe(m).Family == MethodFamily.Attention) == true
            ? TransformerMethods
            : ConvolutionalMethods;

    private const int TileSize = 192;

    public static string Write(OnnxModel model, string modelPath, string modelName, IReadOnlyList<DemoManifest.Sample> samples, string folder, string outputFolder)
    {
        string[] methods = MethodsFor(model);
        var options = new AttributionOptions { Steps = 16, Samples = 16 };
        Explanation[] explained = [.. samples.Select(s => Explainer.Explain(new ExplainRequest(
            modelPath, null, Path.Combine(folder, "scans", s.Scan), new ImageReadOptions(), null, methods, ClassTarget.Predicted, options,
            s.LesionMask is { } mask ? Path.Combine(folder, "scans", mask) : null, new Dictionary<string, string>())))];
        if (explained.FirstOrDefault(e => e.Failures.Count > 0) is { } failed)
        {
            throw new InvalidOperationException($"The demo's {failed.Failures[0].Method} failed on {failed.Input.Scan.Metadata.Source}: {failed.Failures[0].Error.Message}");
        }

        FigureScales figureScales = FigureScales.For([.. methods.Select((_, m) => explained.Select(e => e.Maps[m]).ToArray())]);
        IReadOnlyList<ColourScale> scales = figureScales.Scales;
        var figure = new PanelFigure($"{modelName}: what drove each prediction (predicted class)", ["scan", .. methods.Select((m, i) => $"{m}\n{scales[i].Range}")]);
        Plane[] axial = [Plane.Axial];
        for (int item = 0; item < samples.Count; item++)
        {
            Explanation e = explained[item];
            var renderer = new MapRenderer(e.Input.Scan, e.LesionMask, TileSize);
            (int X, int Y, int Z) at = renderer.Focus(e.Maps[0].OnScan);
            var tiles = new List<SKBitmap> { renderer.RenderScan(at, axial) };
            tiles.AddRange(e.Maps.Select((map, m) => renderer.RenderMap(map.OnScan, scales[m], at, axial)));
            string where = !renderer.IsVolume ? string.Empty : renderer.FocusesOnLesion ? "\naxial: lesion at its largest" : $"\naxial: peak of\n{methods[0]}";
            figure.AddRow($"{Path.GetFileName(samples[item].Scan)}\ntruth {samples[item].Truth}\npredicted {e.Prediction.ClassName} {e.Prediction.Confidence * 100:0.0}%{where}", tiles);
            if (!figure.Notes.Contains(renderer.ConventionNote))
            {
                figure.Notes.Add(renderer.ConventionNote);
            }
        }

        if (figureScales.Note is { } shared)
        {
            figure.Notes.Add(shared);
        }

        if (explained.Any(e => e.LesionMask is not null))
        {
            figure.Notes.Add("Green: the lesion outline from the scan's mask.");
        }

        Directory.CreateDirectory(outputFolder);
        string path = Path.Combine(outputFolder, $"panel-{modelName}.png");
        figure.Save(path);
        return path;
    }
}
