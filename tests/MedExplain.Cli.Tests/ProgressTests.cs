using MedExplain.Batching;
using MedExplain.Cli.Reports;

namespace MedExplain.Cli.Tests;

/// <summary>Progress stays sparse in a log (nothing for short jobs, one line per interval for long ones) and leaves no
/// trail on a terminal (the bar is redrawn in place and erased at the end).</summary>
public sealed class ProgressTests
{
    [Fact]
    public void ProgressLines_ShortJob_PrintsNothing()
    {
        var clock = new ManualClock();
        var log = new StringWriter();
        var progress = new ProgressLines(log, "maps", clock);

        for (int done = 1; done <= 100; done++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50)); // 5 s in all
            progress.Report(new BatchProgress(done, 100, done));
        }

        Assert.Equal(string.Empty, log.ToString());
    }

    [Fact]
    public void ProgressLines_LongJob_PrintsOneLinePerInterval()
    {
        var clock = new ManualClock();
        var log = new StringWriter();
        var progress = new ProgressLines(log, "maps", clock);

        for (int done = 1; done <= 100; done++)
        {
            clock.Advance(TimeSpan.FromSeconds(1)); // 100 s in all
            progress.Report(new BatchProgress(done, 100, done));
        }

        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(9, lines.Length); // at 10, 20, … 90 s; nothing once done
        Assert.StartsWith("progress (maps): 10/100 passes (10%)", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ProgressBar_RedrawsOneLineAndErasesItWhenDone()
    {
        var terminal = new StringWriter();
        var bar = new ProgressBar(terminal, "maps");

        bar.Report(new BatchProgress(1, 4, 1));
        bar.Report(new BatchProgress(2, 4, 2));
        bar.Report(new BatchProgress(4, 4, 4));

        string written = terminal.ToString();
        Assert.DoesNotContain('\n', written);
        Assert.Equal(4, written.Count(c => c == '\r')); // two draws, then the erase: return, blanks, return
        Assert.EndsWith("\r", written, StringComparison.Ordinal);
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
