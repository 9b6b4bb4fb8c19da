using System.Text.Json;

namespace MedExplain.Pipelines.Batch;

/// <summary>A job's results once no worker is left on it: <c>results.jsonl</c> (one line per done item: scan, method,
/// output, key, SHA-256, prediction, metrics, leases) and <c>failed.jsonl</c> (the failed items with their errors), so no
/// item is skipped silently; and, for a job with metrics, the evaluation over the whole cohort.</summary>
public static class BatchResults
{
    /// <summary>The file of done items in the output folder.</summary>
    public const string ResultsFile = "results.jsonl";

    /// <summary>The file of failed items in the output folder.</summary>
    public const string FailedFile = "failed.jsonl";

    /// <summary>Removes what killed workers left half-written and writes both files.</summary>
    /// <param name="ledger">The job's ledger; no worker may still be writing to its folder.</param>
    /// <returns>Every item's entry.</returns>
    public static IReadOnlyList<LedgerEntry> Write(BatchLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        BatchOutput.DeleteLeftovers(ledger.Folder);
        IReadOnlyList<LedgerEntry> entries = ledger.Entries();
        AtomicFile.WriteAllText(Path.Combine(ledger.Folder, ResultsFile), Lines(entries, ItemState.Done));
        AtomicFile.WriteAllText(Path.Combine(ledger.Folder, FailedFile), Lines(entries, ItemState.Failed));
        return entries;
    }

    /// <summary>The evaluation over the cohort: every done item's metrics, and each method's mean curves.</summary>
    /// <param name="entries">The job's entries (<see cref="BatchLedger.Entries()"/>).</param>
    public static EvaluationResult Evaluation(IReadOnlyList<LedgerEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        LedgerEntry[] done = [.. entries.Where(e => e.State == ItemState.Done && e.Findings is not null)];
        MetricValue[] values = [.. done.SelectMany(e => e.Findings!.Metrics.Select(m => new MetricValue(Path.GetFileName(e.Item.Scan), e.Item.Method, m.Key, m.Value)))];
        MeanCurve[] curves = [.. done
            .SelectMany(e => e.Findings!.Curves.Select(c => (e.Item.Method, Metric: c.Key, Scores: c.Value)))
            .GroupBy(c => (c.Method, c.Metric))
            .Select(g => new MeanCurve(g.Key.Method, g.Key.Metric, [.. Enumerable.Range(0, g.First().Scores.Length).Select(k => g.Average(c => c.Scores[k]))]))];
        return new EvaluationResult(values, curves);
    }

    private static string Lines(IEnumerable<LedgerEntry> entries, ItemState state) => string.Concat(entries.Where(e => e.State == state).Select(e => JsonSerializer.Serialize(new
    {
        scan = e.Item.Scan, method = e.Item.Method, output = e.Item.Output, key = e.Item.Key, sha256 = e.OutputHash,
        prediction = e.Findings?.Prediction, probability = e.Findings?.Probability, metrics = e.Findings is { Metrics.Count: > 0 } f ? f.Metrics : null, leases = e.Leases, attempts = e.Attempts, error = e.Error,
    }, BatchOutput.Json) + "\n"));
}
