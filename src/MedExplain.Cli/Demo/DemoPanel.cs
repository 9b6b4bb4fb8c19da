using MedExplain.Imaging.Raster;
using MedExplain.Imaging.Rendering;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Prediction;

namespace MedExplain.Cli.Demo;

/// <summary>The demo's figure for one model: each sample scan (with its lesion outline where a PNG mask exists) beside
/// the maps of the default methods for the predicted class. Volumes show the axial slice where the first map peaks.</summary>
internal static class DemoPanel
{
    public static readonly string[] Methods = ["integrated-gradients", "smoothgrad", "guided-backprop", "grad-cam"];

    public static string Write(OnnxModel model, string modelName, IReadOnlyList<DemoManifest.Sample> samples, string folder, FloatTensor batch, PredictionResult prediction, string outputFolder)
    {
        var options = new AttributionOptions { Steps = 16, Samples = 16 };
        // The classes the demo already predicted, so no method runs its own forward pass to find them.
        ClassTarget predicted = ClassTarget.PerItem([.. prediction.Items.Select(p => p.ClassIndex)]);
        Attribution[] maps = [.. Methods.Select(m => AttributionMethods.Get(m).Attribute(model, batch, predicted, options))];
        var figure = new PanelFigure($"{modelName}: what drove each prediction (predicted class)", ["scan", .. Methods]);
        int[] spatial = batch.Shape[2..];
        int height = spatial[^2], width = spatial[^1], plane = height * width;
        for (int item = 0; item < samples.Count; item++)
        {
            int slice = spatial.Length == 3 ? PeakSlice(maps[0].Values.Item(item), plane) : 0;
            float[] scan = batch.Item(item).Slice(slice * plane, plane).ToArray();
            float[] mask = LesionMask(folder, samples[item], plane);
            var tiles = new List<SkiaSharp.SKBitmap> { Overlay.Render(scan, new float[plane], width, height, mask) };
            foreach (Attribution map in maps)
            {
                tiles.Add(Overlay.Render(scan, map.Values.Item(item).Slice(slice * plane, plane), width, height, mask));
            }

            ClassPrediction p = prediction.Items[item];
            string where = spatial.Length == 3 ? $"\naxial slice {slice}" : string.Empty;
            figure.AddRow($"{Path.GetFileName(samples[item].Scan)}\ntruth {samples[item].Truth}\npredicted {p.ClassName} {p.Confidence * 100:0.0}%{where}", tiles);
        }

        Directory.CreateDirectory(outputFolder);
        string path = Path.Combine(outputFolder, $"panel-{modelName}.png");
        figure.Save(path);
        return path;
    }

    /// <summary>The depth index whose slice holds the most |attribution|.</summary>
    private static int PeakSlice(ReadOnlySpan<float> volume, int plane)
    {
        int best = 0;
        double bestMass = -1;
        for (int z = 0; z < volume.Length / plane; z++)
        {
            double mass = 0;
            foreach (float v in volume.Slice(z * plane, plane))
            {
                mass += Math.Abs(v);
            }

            (best, bestMass) = mass > bestMass ? (z, mass) : (best, bestMass);
        }

        return best;
    }

    private static float[] LesionMask(string folder, DemoManifest.Sample sample, int plane)
    {
        if (sample.LesionMask is not { } mask || !RasterReader.Extensions.Contains(Path.GetExtension(mask)))
        {
            return [];
        }

        FloatTensor read = RasterReader.Read(Path.Combine(folder, "scans", mask));
        return read.Data.Length == plane ? read.Data : [];
    }
}
