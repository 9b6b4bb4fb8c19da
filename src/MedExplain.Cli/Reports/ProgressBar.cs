using System.Diagnostics;
using MedExplain.Batching;

namespace MedExplain.Cli.Reports;

/// <summary>A progress bar on a terminal ([####....] 40%, time left), redrawn in place; milestone lines when the output is a log.</summary>
internal sealed class ProgressBar(TextWriter error, string label, bool interactive) : IProgress<BatchProgress>
{
    private const int Width = 30;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ProgressLines _lines = new(error, label);

    public void Report(BatchProgress value)
    {
        if (!interactive)
        {
            _lines.Report(value);
            return;
        }

        int filled = (int)Math.Round(value.Fraction * Width);
        double left = value.Fraction > 0 ? _clock.Elapsed.TotalSeconds * (1 - value.Fraction) / value.Fraction : double.NaN;
        string eta = value.ItemsDone >= value.ItemsTotal ? "done" : double.IsFinite(left) ? $"{left:0}s left" : string.Empty;
        error.Write($"\r  {label,-22} [{new string('#', filled)}{new string('.', Width - filled)}] {value.Fraction * 100,3:0}% {eta,-10}");
        if (value.ItemsDone >= value.ItemsTotal)
        {
            error.WriteLine();
        }
    }
}
