using System.Diagnostics;
using MedExplain.Onnx;
using MedExplain.Uncertainty;

namespace MedExplain.Benchmarks;

/// <summary><c>mc-dropout</c>: MC dropout before the 3D demo model's head, 50 samples of one 64³ volume, the body run once
/// and only the head per sample, against the floor of re-running the whole model per sample, measured in the same run.</summary>
internal static class McDropoutTiming
{
    public static int Run(int repeats)
    {
        using OnnxModel model = OnnxModel.Load(DemoModels.Path("brain-lesion-3d"));
        var input = new FloatTensor([1, 1, 64, 64, 64], [.. Enumerable.Range(0, 64 * 64 * 64).Select(i => (float)Math.Sin(i * 0.001))]);
        using McDropout head = McDropout.At(model, "/Flatten_output_0", 0.5, [1, 1, 64, 64, 64]);
        using McDropout whole = McDropout.At(model, "/Flatten_output_0", 0.5, [1, 1, 64, 64, 64], headOnly: false);
        double Time(McDropout dropout)
        {
            dropout.Predict(input, 50, seed: 0);
            var clock = Stopwatch.StartNew();
            for (int r = 0; r < repeats; r++)
            {
                dropout.Predict(input, 50, seed: r);
            }

            return clock.Elapsed.TotalMilliseconds / repeats;
        }

        double full = Time(whole), headOnly = Time(head);
        Console.WriteLine($"MC dropout, 3D demo model, 50 samples of one 64³ volume: whole model per sample {full:0.0} ms, body once and head per sample {headOnly:0.0} ms (ratio {headOnly / full:0.000})");
        return 0;
    }
}
