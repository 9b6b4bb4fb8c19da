using MedExplain.Imaging;
using MedExplain.Pipelines.Batch;
using MedExplain.TestUtilities;
using Microsoft.Data.Sqlite;

namespace MedExplain.Pipelines.Tests.Batch;

/// <summary>The batch ledger in SQLite (one machine).</summary>
public sealed class SqliteLedgerTests : BatchLedgerTests
{
    protected override BatchLedger OpenLedger() => BatchLedger.Open(Temp.Path);

    [Fact]
    public void Open_ALedgerOfTheVersionBeforeFindings_GainsTheirColumn()
    {
        using (var old = new SqliteConnection($"Data Source={Path.Combine(Temp.Path, BatchLedger.FileName)}"))
        {
            old.Open();
            using var create = new SqliteCommand("""
                CREATE TABLE items (key TEXT PRIMARY KEY, ordinal INTEGER NOT NULL, scan TEXT NOT NULL, method TEXT NOT NULL, output TEXT NOT NULL,
                    state TEXT NOT NULL, owner TEXT, lease_until BIGINT, leases INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
                    error TEXT, output_hash TEXT, prediction TEXT, probability DOUBLE PRECISION);
                INSERT INTO items (key, ordinal, scan, method, output, state) VALUES ('k', 0, 's', 'gradient', 'maps/s-gradient.nii.gz', 'Done');
                """, old);
            create.ExecuteNonQuery();
        }

        using BatchLedger ledger = OpenLedger();
        Assert.Null(ledger.Entries().Single().Findings);
    }
}

/// <summary>The batch ledger in PostgreSQL (workers on several machines): Debian's server, started by .ci/postgres.sh;
/// each test in a schema of its own.</summary>
public sealed class PostgresLedgerTests : BatchLedgerTests
{
    private readonly string _connection;

    public PostgresLedgerTests() => _connection = PostgresSchema.Create("ledger");

    protected override BatchLedger OpenLedger() => BatchLedger.OpenPostgres(_connection, Temp.Path);
}

/// <summary>The batch ledger: leases that run out return their items, done means written, a re-plan verifies and adopts,
/// a changed parameter re-runs only its method's items, failures are retried a bounded number of times, and workers
/// leasing at once never get the same item. The same tests run on each store.</summary>
public abstract class BatchLedgerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    protected TempDirectory Temp { get; } = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract BatchLedger OpenLedger();

    private static BatchJob Job(string? igSteps = null) => new(
        RepoPaths.DemoModel("brain-lesion-2d"), null,
        [RepoPaths.DemoScan("2d/slice-01-normal.nii.gz"), RepoPaths.DemoScan("2d/slice-02-tumour.nii.gz")],
        ["gradient", "integrated-gradients"],
        igSteps is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["integrated-gradients.steps"] = igSteps });

    [SkippableFact]
    public void Items_AChangedMethodParameter_ChangesOnlyThatMethodsKeys()
    {
        IReadOnlyList<WorkItem> before = Job("16").Items(), after = Job("24").Items();
        Assert.Equal(4, before.Count);
        Assert.Equal(before.Select(i => i.Output), after.Select(i => i.Output));
        Assert.Equal(before.Select(i => i.Method == "gradient"), before.Zip(after).Select(p => p.First.Key == p.Second.Key));
        Assert.Equal(before.Select(i => i.Key), Job("16").Items().Select(i => i.Key));
    }

    [SkippableFact]
    public void Lease_ALeaseThatRunsOut_ReturnsTheItemToAnotherWorker_AndCountsTheLeases()
    {
        using BatchLedger ledger = OpenLedger();
        ledger.Plan(Job(), Job().Items());
        WorkItem first = ledger.Lease("a", Lease, T0)!;
        WorkItem second = ledger.Lease("b", Lease, T0.AddSeconds(5))!;
        Assert.NotEqual(first.Key, second.Key);

        // a's heartbeat keeps its item; then a dies and its lease runs out: b gets it.
        Assert.True(ledger.Heartbeat("a", first.Key, Lease, T0.AddSeconds(8)));
        Assert.NotEqual(first.Key, ledger.Lease("b", Lease, T0.AddSeconds(17))!.Key);
        Assert.Equal(first.Key, ledger.Lease("b", Lease, T0.AddSeconds(19))!.Key);
        Assert.False(ledger.Heartbeat("a", first.Key, Lease, T0.AddSeconds(20)));
        Assert.Equal(2, ledger.Entries().Single(e => e.Item.Key == first.Key).Leases);
    }

    [SkippableFact]
    public void Plan_AnOutputRenamedButNotMarked_IsAdopted_AndADoneOutputThatChanged_IsRedone()
    {
        using BatchLedger ledger = OpenLedger();
        IReadOnlyList<WorkItem> items = Job().Items();
        ledger.Plan(Job(), items);
        MedicalImage scan = MedicalImageReader.Read(items[0].Scan);

        // Item 0: written and renamed into place, then the worker died before committing "done".
        WorkItem written = ledger.Lease("a", Lease, T0)!;
        ItemFindings writtenFindings = Findings(written.Key) with { Metrics = new Dictionary<string, double> { ["deletion"] = 0.25 } };
        string writtenHash = BatchOutput.Write(Path.Combine(Temp.Path, written.Output), scan.WithVoxels(new float[scan.VoxelsPerChannel]), writtenFindings);
        // Item 1: done, then its output was overwritten by something else.
        WorkItem tampered = ledger.Lease("a", Lease, T0)!;
        ledger.Complete(tampered.Key, BatchOutput.Write(Path.Combine(Temp.Path, tampered.Output), scan.WithVoxels(new float[scan.VoxelsPerChannel]), Findings(tampered.Key)), Findings(tampered.Key));
        File.AppendAllText(Path.Combine(Temp.Path, tampered.Output), "x");
        // Item 2: an output of another key (an earlier parameter) in its place: not this item's.
        WorkItem stale = items[2];
        BatchOutput.Write(Path.Combine(Temp.Path, stale.Output), scan.WithVoxels(new float[scan.VoxelsPerChannel]), Findings(new string('0', 40)));
        // Item 3: its map under its key, but its findings never written (the findings go first, so this is no worker's
        // doing; it must not be taken for whole).
        WorkItem halfWritten = items[3];
        BatchOutput.Write(Path.Combine(Temp.Path, halfWritten.Output), scan.WithVoxels(new float[scan.VoxelsPerChannel]), Findings(halfWritten.Key));
        File.Delete(BatchOutput.FindingsPath(Path.Combine(Temp.Path, halfWritten.Output)));

        PlanSummary plan = ledger.Plan(Job(), items);

        Assert.Equal((4, 0, 1, 1, 0), (plan.Items, plan.Done, plan.Adopted, plan.Redone, plan.Superseded));
        Dictionary<string, LedgerEntry> byKey = ledger.Entries().ToDictionary(e => e.Item.Key);
        Assert.Equal((ItemState.Done, writtenHash), (byKey[written.Key].State, byKey[written.Key].OutputHash));
        Assert.Equal(("normal", 0.9, 0.25), (byKey[written.Key].Findings!.Prediction, byKey[written.Key].Findings!.Probability, byKey[written.Key].Findings!.Metrics["deletion"]));
        Assert.Equal(ItemState.Pending, byKey[tampered.Key].State);
        Assert.Equal(ItemState.Pending, byKey[stale.Key].State);
        Assert.Equal(ItemState.Pending, byKey[halfWritten.Key].State);
    }

    [SkippableFact]
    public void Complete_KeepsTheFindings_MetricsAndCurvesIncluded_ANaNAsNaN()
    {
        using BatchLedger ledger = OpenLedger();
        ledger.Plan(Job(), Job().Items());
        WorkItem item = ledger.Lease("a", Lease, T0)!;
        ledger.Complete(item.Key, "hash", Findings(item.Key) with
        {
            Metrics = new Dictionary<string, double> { ["deletion"] = 0.125, ["pointing-game"] = 1, ["undefined"] = double.NaN },
            Curves = new Dictionary<string, double[]> { ["deletion"] = [2.5, 1, 0.5] },
        });

        ItemFindings kept = ledger.Entries().Single(e => e.Item.Key == item.Key).Findings!;
        Assert.Equal([("deletion", 0.125), ("pointing-game", 1.0), ("undefined", double.NaN)], kept.Metrics.OrderBy(m => m.Key).Select(m => (m.Key, m.Value)));
        Assert.Equal([2.5, 1, 0.5], kept.Curves["deletion"]);
    }

    private static ItemFindings Findings(string key) => new(key, "normal", 0.9, new Dictionary<string, double>(), new Dictionary<string, double[]>());

    [SkippableFact]
    public void Plan_AChangedParameter_SupersedesOnlyThatMethodsItems()
    {
        using BatchLedger ledger = OpenLedger();
        ledger.Plan(Job("16"), Job("16").Items());
        PlanSummary plan = ledger.Plan(Job("24"), Job("24").Items());
        Assert.Equal(2, plan.Superseded);
        Assert.Equal(4, ledger.Entries().Count);
        Assert.Equal("24", ledger.Job!.Parameters["integrated-gradients.steps"]);
    }

    [SkippableFact]
    public void Lease_ManyWorkersAtOnce_EachItemIsLeasedOnce()
    {
        var scans = Enumerable.Range(0, 40).Select(n => RepoPaths.DemoScan("2d/slice-01-normal.nii.gz")).ToList();
        var job = new BatchJob(RepoPaths.DemoModel("brain-lesion-2d"), null, scans, ["gradient", "grad-cam"], new Dictionary<string, string>());
        IReadOnlyList<WorkItem> items = job.Items();
        using (BatchLedger ledger = OpenLedger())
        {
            ledger.Plan(job, items);
        }

        var leased = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 6 }, w =>
        {
            using BatchLedger ledger = OpenLedger();
            while (ledger.Lease($"w{w}", Lease, T0) is { } item)
            {
                leased.Add(item.Key);
                ledger.Complete(item.Key, "hash", Findings(item.Key));
            }
        });

        Assert.Equal(items.Count, leased.Count);
        Assert.Equal(items.Count, leased.Distinct().Count());
        using BatchLedger check = OpenLedger();
        Assert.All(check.Entries(), e => Assert.Equal((ItemState.Done, 1), (e.State, e.Leases)));
    }

    [SkippableFact]
    public void Release_ADeadWorkersItems_ReturnAtOnce_NotWhenTheirLeasesRunOut()
    {
        using BatchLedger ledger = OpenLedger();
        ledger.Plan(Job(), Job().Items());
        WorkItem held = ledger.Lease("dead", Lease, T0)!;
        WorkItem other = ledger.Lease("alive", Lease, T0)!;
        Assert.Equal(1, ledger.Release("dead"));
        Assert.Equal(held.Key, ledger.Lease("new", Lease, T0.AddSeconds(1))!.Key);
        Assert.True(ledger.Heartbeat("alive", other.Key, Lease, T0.AddSeconds(1)));
    }

    [SkippableFact]
    public void Lease_AnItemWhoseWorkerDiesEveryTime_FailsAfterTheLeaseLimit()
    {
        using BatchLedger ledger = OpenLedger();
        ledger.Plan(Job(), Job().Items());
        WorkItem item = ledger.Lease("w0", Lease, T0)!;
        for (int n = 1; n < BatchLedger.MaxLeases; n++)
        {
            Assert.Equal(item.Key, ledger.Lease($"w{n}", Lease, T0.AddMinutes(n))!.Key);
        }

        Assert.NotEqual(item.Key, ledger.Lease("last", Lease, T0.AddMinutes(BatchLedger.MaxLeases))!.Key);
        LedgerEntry failed = ledger.Entries().Single(e => e.Item.Key == item.Key);
        Assert.Equal(ItemState.Failed, failed.State);
        Assert.Contains($"stopped {BatchLedger.MaxLeases} times", failed.Error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Fail_RetriesUpToTheLimit_ThenKeepsTheItemFailedWithItsError()
    {
        using BatchLedger ledger = OpenLedger();
        ledger.Plan(Job(), Job().Items());
        WorkItem item = ledger.Lease("a", Lease, T0)!;
        for (int attempt = 1; attempt <= BatchWorker.MaxAttempts; attempt++)
        {
            ledger.Fail(item.Key, $"broken {attempt}", BatchWorker.MaxAttempts);
            LedgerEntry entry = ledger.Entries().Single(e => e.Item.Key == item.Key);
            Assert.Equal(attempt < BatchWorker.MaxAttempts ? ItemState.Pending : ItemState.Failed, entry.State);
        }

        Assert.Equal("broken 3", ledger.Entries().Single(e => e.Item.Key == item.Key).Error);
    }
}
