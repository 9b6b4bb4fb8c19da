using MedExplain.Batching;

namespace MedExplain.Cli.Reports;

/// <summary>Progress for a log (stderr not a terminal): a line only once a job has run for <see cref="Interval"/>,
/// then at most one per interval, so short jobs print nothing and long ones show they are alive.</summary>
internal sealed class ProgressLines(TextWriter error, string? label = null, TimeProvider? time = null) : IProgress<BatchProgress>
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _last = (time ?? TimeProvider.System).GetTimestamp();

    public void Report(BatchProgress value)
    {
        if (value.ItemsDone < value.ItemsTotal && _time.GetElapsedTime(_last) >= Interval)
        {
            _last = _time.GetTimestamp();
            error.WriteLine($"progress{(label is null ? string.Empty : $" ({label})")}: {value.ItemsDone}/{value.ItemsTotal} passes ({value.Fraction * 100:0}%), {value.Runs} run(s)");
        }
    }
}
