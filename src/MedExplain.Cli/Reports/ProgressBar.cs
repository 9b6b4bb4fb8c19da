using System.Diagnostics;
using MedExplain.Batching;

namespace MedExplain.Cli.Reports;

/// <summary>A progress bar on a terminal ([####....] 40%, time left), redrawn in place on one line and erased when the
/// job ends, so a run of many short jobs leaves no trail.</summary>
internal sealed class ProgressBar(TextWriter error, string label) : IProgress<BatchProgress>
{
    private const int Width = 30;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _drawn;

    public void Report(BatchProgress value)
    {
        if (value.ItemsDone >= value.ItemsTotal)
        {
            error.Write($"\r{new string(' ', _drawn)}\r");
            return;
        }

        int filled = (int)Math.Round(value.Fraction * Width);
        double left = value.Fraction > 0 ? _clock.Elapsed.TotalSeconds * (1 - value.Fraction) / value.Fraction : double.NaN;
        string line = $"  {label,-22} [{new string('#', filled)}{new string('.', Width - filled)}] {value.Fraction * 100,3:0}% {(double.IsFinite(left) ? $"{left:0}s left" : string.Empty),-10}";
        _drawn = Math.Max(_drawn, line.Length);
        error.Write($"\r{line}");
    }
}
