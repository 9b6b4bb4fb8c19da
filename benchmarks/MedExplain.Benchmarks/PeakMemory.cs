using System.Diagnostics;
using MedExplain.Methods;

namespace MedExplain.Benchmarks;

/// <summary><c>peak-memory</c>: Integrated Gradients with 64 steps on a 1×128×128×128 volume (the 3D demo model at 128³)
/// under a memory budget, printing the process's peak resident memory against the budget.</summary>
internal static class PeakMemory
{
    public static int Run(long budgetBytes)
    {
        using ModelVariant variant = ModelVariant.Load("3d-128");
        FloatTensor input = variant.RandomInput(seed: 5);
        var options = new AttributionOptions { Steps = 64, MaxMemoryBytes = budgetBytes };
        var clock = Stopwatch.StartNew();
        Attribution a = AttributionMethods.Get("integrated-gradients").Attribute(variant.Model, input, ClassTarget.Class(1),
            options);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine($"integrated-gradients, 64 steps, input (1, 1, 128, 128, 128): {clock.Elapsed.TotalSeconds:0.0} s, " +
                          $"gap {a.Diagnostics[Diagnostic.CompletenessGap][0]:G3}; peak resident memory {process.PeakWorkingSet64 / (1 << 20)} MiB " +
                          $"for a budget of {budgetBytes / (1 << 20)} MiB (ratio {process.PeakWorkingSet64 / (double)budgetBytes:0.00})");
        return process.PeakWorkingSet64 <= budgetBytes ? 0 : 1;
    }
}
