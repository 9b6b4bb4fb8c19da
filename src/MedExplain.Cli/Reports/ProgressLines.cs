using MedExplain.Batching;

namespace MedExplain.Cli.Reports;

/// <summary>Milestone lines on stderr (25, 50, 75 %) for jobs of several calls, so captured logs stay readable.</summary>
internal sealed class ProgressLines(TextWriter error, string? label = null) : IProgress<BatchProgress>
{
    private int _lastQuarter;

    public void Report(BatchProgress value)
    {
        int quarter = (int)(value.Fraction * 4);
        if (value.ItemsDone < value.ItemsTotal && quarter > _lastQuarter)
        {
            _lastQuarter = quarter;
            error.WriteLine($"progress{(label is null ? string.Empty : $" ({label})")}: {value.ItemsDone}/{value.ItemsTotal} passes ({value.Fraction * 100:0}%), {value.Runs} run(s)");
        }
    }
}
