using System.Diagnostics;
using System.Text.Json;
using MedExplain.Imaging.Npy;
using MedExplain.Methods;
using MedExplain.Onnx;

namespace MedExplain.Benchmarks;

/// <summary><c>peer-timing FOLDER REPEATS</c>: times MedExplain's methods on the ONNX files and inputs that
/// tools/peers/benchmark_captum.py exported and timed Captum on, with the same settings, and prints both side by side.
/// Warm: the median of REPEATS calls after the first; cold: the first call of a fresh model (compiling included).</summary>
internal static class PeerTiming
{
    private static readonly string[] Methods = ["saliency", "integrated-gradients", "guided-backprop", "deeplift", "grad-cam", "occlusion"];

    public static int Run(string folder, int repeats)
    {
        using JsonDocument captum = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "captum-times.json")));
        Console.WriteLine("| model | method | Captum (ms) | MedExplain warm (ms) | ratio | MedExplain cold (ms) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (JsonProperty entry in captum.RootElement.EnumerateObject())
        {
            string name = entry.Name;
            FloatTensor inputs = NpyReader.Read(Path.Combine(folder, $"{name}.input.npy"));
            int[] targets = [.. NpyReader.Read(Path.Combine(folder, $"{name}.targets.npy")).Data.Select(v => (int)v)];
            JsonElement settings = entry.Value.GetProperty("settings");
            int spatial = inputs.Rank - 2;
            var options = new AttributionOptions
            {
                Steps = 32,
                Integration = IntegrationKind.GaussLegendre,
                Window = [.. Enumerable.Repeat(settings.GetProperty("window").GetInt32(), spatial)],
                Stride = [.. Enumerable.Repeat(settings.GetProperty("stride").GetInt32(), spatial)],
                MaxMemoryBytes = 4L << 30,

                // Captum's LayerGradCam returns the map at the layer's resolution.
                CamAtLayerResolution = true,
            };
            foreach (string method in Methods)
            {
                IAttributionMethod attribution = AttributionMethods.Get(method);
                double cold, warm;
                using (OnnxModel model = OnnxModel.Load(Path.Combine(folder, $"{name}.onnx")))
                {
                    var clock = Stopwatch.StartNew();
                    attribution.Attribute(model, inputs, ClassTarget.PerItem(targets), options);
                    cold = clock.Elapsed.TotalSeconds;
                    var times = new List<double>();
                    for (int r = 0; r < repeats; r++)
                    {
                        clock.Restart();
                        attribution.Attribute(model, inputs, ClassTarget.PerItem(targets), options);
                        times.Add(clock.Elapsed.TotalSeconds);
                    }

                    warm = times.Order().ElementAt(times.Count / 2);
                }

                double peer = entry.Value.GetProperty(method).GetDouble();
                Console.WriteLine($"| {name} | {method} | {peer * 1000:0.0} | {warm * 1000:0.0} | {warm / peer:0.00} | {cold * 1000:0.0} |");
            }
        }

        return 0;
    }
}
