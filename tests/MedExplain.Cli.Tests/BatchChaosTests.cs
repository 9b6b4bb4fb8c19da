using System.Diagnostics;
using System.Text.Json;
using MedExplain.Pipelines.Batch;
using MedExplain.TestUtilities;
using Microsoft.Data.Sqlite;

namespace MedExplain.Cli.Tests;

/// <summary>
/// <c>batch run</c> with worker processes killed (SIGKILL) while they work: 2 000 items (1 000 seeded variants of a demo
/// slice × two methods), three workers, one killed every few seconds. Every output must exist once and be byte for
/// byte the output of a single-worker run nobody disturbed; the ledger must show the items whose leases ran out.
/// </summary>
[Trait("Category", "Slow")]
public sealed class BatchChaosTests : IDisposable
{
    private const int MaxKills = 12;

    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void Run_WorkersKilledMidJob_LoseNothing_DuplicateNothing_AndMatchAnUndisturbedRun(string store)
    {
        string? ledger = store == "postgres" ? PostgresSchema.Create("chaos") : null;
        string scans = CohortScans.Write(_temp.File("scans"), 1000);
        string[] job = ["batch", "run", "--model", RepoPaths.DemoModel("brain-lesion-2d"), "--data", scans, "--methods", "gradient,input-x-gradient"];
        string[] chaosLedger = ledger is null ? [] : ["--ledger", ledger];

        var clock = Stopwatch.StartNew();
        using (Process reference = Start([.. job, "--out", _temp.File("reference"), "--workers", "1"]))
        {
            reference.WaitForExit();
            Assert.True(reference.ExitCode == 0, reference.StandardError.ReadToEnd());
        }

        double alone = clock.Elapsed.TotalSeconds;
        clock.Restart();
        int kills = 0;
        Func<BatchLedger> openChaos = () => ledger is null ? BatchLedger.Open(_temp.File("chaos")) : BatchLedger.OpenPostgres(ledger, _temp.File("chaos"));
        using (Process run = Start([.. job, "--out", _temp.File("chaos"), "--workers", "3", .. chaosLedger]))
        {
            var random = new Random(3);
            while (!run.WaitForExit(TimeSpan.FromSeconds(2.5)))
            {
                // A worker that holds a lease right now, killed without warning; at most MaxKills of them, so a run that
                // a loaded machine slows down does not reach batch run's restart limit (10 per worker) by the clock.
                int[] holders = kills < MaxKills ? Holders(openChaos) : [];
                if (holders.Length > 0 && Kill(holders[random.Next(holders.Length)]))
                {
                    kills++;
                }
            }

            Assert.True(run.ExitCode == 0, run.StandardError.ReadToEnd());
        }

        double chaos = clock.Elapsed.TotalSeconds;
        string[] expected = [.. Directory.GetFiles(_temp.File("reference/maps")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        string[] produced = [.. Directory.GetFiles(_temp.File("chaos/maps")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(2 * 2000, expected.Length); // each item's map and its findings
        Assert.True(expected.SequenceEqual(produced), $"missing: {string.Join(", ", expected.Except(produced))}; extra: {string.Join(", ", produced.Except(expected))}");
        foreach (string name in expected)
        {
            Assert.True(File.ReadAllBytes(_temp.File($"reference/maps/{name}")).AsSpan().SequenceEqual(File.ReadAllBytes(_temp.File($"chaos/maps/{name}"))), $"{name} differs from the undisturbed run's");
        }

        string[] results = File.ReadAllLines(_temp.File("chaos/results.jsonl"));
        Assert.Equal(2000, results.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("output").GetString()).Distinct().Count());
        int released;
        using (BatchLedger finished = openChaos())
        {
            released = finished.Entries().Count(e => e.Leases > 1);
        }

        Assert.True(kills > 0, "no worker was killed");
        Assert.True(released > 0, $"{kills} kills, yet no item was leased twice");
        Console.WriteLine($"batch chaos ({store}): {kills} workers killed, {released} items leased again; one undisturbed worker {alone:0.0} s, three workers under kills {chaos:0.0} s");
    }

    /// <summary>The process ids of the workers holding leases (owners are HOST:PID:NAME).</summary>
    private static int[] Holders(Func<BatchLedger> open)
    {
        try
        {
            using BatchLedger ledger = open();
            return [.. ledger.Entries().Where(e => e.State == ItemState.Leased && e.Owner is not null)
                .Select(e => int.Parse(e.Owner!.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)).Distinct()];
        }
        catch (MedExplainInputException)
        {
            return []; // the ledger is not made yet
        }
    }

    private static bool Kill(int pid)
    {
        try
        {
            using Process worker = Process.GetProcessById(pid);
            worker.Kill(); // SIGKILL on Linux: no cleanup, no finally
            return true;
        }
        catch (ArgumentException)
        {
            return false; // it finished meanwhile
        }
    }

    /// <summary>The real command in a process of its own (its workers are processes of their own too); its output is
    /// drained so it never blocks on a full pipe.</summary>
    private static Process Start(string[] args)
    {
        Process process = CliRunner.StartProcess(args);
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }
}
