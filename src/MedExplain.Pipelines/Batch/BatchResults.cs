using System.Text.Json;

namespace MedExplain.Pipelines.Batch;

/// <summary>A job's results once no worker is left on it: <c>results.jsonl</c> (one line per done item: scan, method,
/// output, key, SHA-256, prediction, leases) and <c>failed.jsonl</c> (the failed items with their errors), so no item is
/// skipped silently.</summary>
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

    private static string Lines(IEnumerable<LedgerEntry> entries, ItemState state) => string.Concat(entries.Where(e => e.State == state).Select(e => JsonSerializer.Serialize(new
    {
        scan = e.Item.Scan, method = e.Item.Method, output = e.Item.Output, key = e.Item.Key, sha256 = e.OutputHash,
        prediction = e.Prediction, probability = e.Probability, leases = e.Leases, attempts = e.Attempts, error = e.Error,
    }) + "\n"));
}
