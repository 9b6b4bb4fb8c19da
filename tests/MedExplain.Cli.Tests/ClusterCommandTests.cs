using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MedExplain.Cluster;
using MedExplain.Pipelines.Batch;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>
/// The cluster commands as a user runs them: two <c>cluster silo</c> processes join through PostgreSQL, <c>cluster
/// submit</c> follows a job while one silo is killed with SIGKILL, and still every item is done once, results.jsonl lists
/// each, and the item the dead silo held is leased again.
/// </summary>
public sealed class ClusterCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<Process> _silos = [];

    public void Dispose()
    {
        foreach (Process silo in _silos)
        {
            if (!silo.HasExited)
            {
                silo.Kill();
                silo.WaitForExit();
            }

            silo.Dispose();
        }

        _temp.Dispose();
    }

    [SkippableFact]
    public void Submit_WithoutARunningSilo_ExitsTwoSayingSo()
    {
        string db = PostgresSchema.Create("clustercli");
        (int code, _, string error) = CliRunner.Run("cluster", "status", "--db", db, "--cluster", "nobody-runs-this");
        Assert.Equal(2, code);
        Assert.Contains("no silo of cluster nobody-runs-this answers", error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Status_OfAFolderNeverSubmitted_ExitsTwoSayingSo()
    {
        string db = PostgresSchema.Create("clustercli");
        (int code, _, string error) = CliRunner.Run("cluster", "status", "--db", db, "--out", _temp.File("never"));
        Assert.Equal(2, code);
        Assert.Contains("is no job of cluster medexplain", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Silo_ABadPort_ExitsTwoNamingTheOption()
    {
        (int code, _, string error) = CliRunner.Run("cluster", "silo", "--db", "Host=127.0.0.1", "--port", "70000");
        Assert.Equal(2, code);
        Assert.Contains("--port", error, StringComparison.Ordinal);
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void Submit_OneOfTwoSilosKilledMidJob_EveryItemDoneOnce()
    {
        string db = PostgresSchema.Create("clustercli");
        string scans = CohortScans.Write(_temp.File("scans"), 60);
        Process first = StartSilo(db, "node-1");
        StartSilo(db, "node-2");
        string folder = _temp.File("out");

        using Process submit = CliRunner.StartProcess("cluster", "submit", "--db", db, "--model", RepoPaths.DemoModel("brain-lesion-2d"), "--data", scans, "--methods", "gradient,integrated-gradients", "--param", "steps=16", "--out", folder);
        submit.ErrorDataReceived += (_, _) => { };
        submit.BeginErrorReadLine();
        var settings = new ClusterSettings(db);
        string[] held = [];
        var waited = Stopwatch.StartNew();
        while (!first.HasExited && !submit.HasExited && waited.Elapsed < TimeSpan.FromMinutes(5))
        {
            Thread.Sleep(200);
            IReadOnlyList<LedgerEntry> entries = Entries(settings, folder);
            if (entries.Count(e => e.State == ItemState.Done) >= 20 && entries.Any(e => e.State == ItemState.Leased && e.Owner!.Contains(":node-1:", StringComparison.Ordinal)))
            {
                first.Kill(); // SIGKILL: no shutdown, no release
                first.WaitForExit();
                held = [.. Entries(settings, folder).Where(e => e.State == ItemState.Leased && e.Owner!.Contains(":node-1:", StringComparison.Ordinal)).Select(e => e.Item.Key)];
            }
        }

        string output = submit.StandardOutput.ReadToEnd();
        Assert.True(submit.WaitForExit(TimeSpan.FromMinutes(5)), "cluster submit did not finish");
        Assert.True(submit.ExitCode == 0, output);
        Assert.True(first.HasExited, "the first silo was never seen working, so never killed");
        IReadOnlyList<LedgerEntry> finished = Entries(settings, folder);
        Assert.Equal(120, finished.Count);
        Assert.All(finished, e => Assert.Equal(ItemState.Done, e.State));
        Assert.All(finished.Where(e => held.Contains(e.Item.Key)), e => Assert.True(e.Leases >= 2, $"{e.Item.Output}: held by the killed silo, leased {e.Leases} time(s)"));
        string[] results = File.ReadAllLines(Path.Combine(folder, BatchResults.ResultsFile));
        Assert.Equal(120, results.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("output").GetString()).Distinct().Count());
        Assert.Equal((120, 120), (Directory.GetFiles(Path.Combine(folder, "maps"), "*.nii.gz").Length, Directory.GetFiles(Path.Combine(folder, "maps"), "*.json").Length));
    }

    private Process StartSilo(string db, string name)
    {
        Process silo = CliRunner.StartProcess("cluster", "silo", "--db", db, "--name", name, "--workers", "1", "--address", "127.0.0.1", "--port", FreePort(), "--gateway-port", FreePort());
        _silos.Add(silo);
        silo.ErrorDataReceived += (_, _) => { };
        silo.BeginErrorReadLine();
        // It says so once it has joined; everything it prints is drained so it never blocks on a full pipe.
        var joined = new ManualResetEventSlim();
        silo.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith($"silo {name} is in cluster", StringComparison.Ordinal) == true)
            {
                joined.Set();
            }
        };
        silo.BeginOutputReadLine();
        Assert.True(joined.Wait(TimeSpan.FromMinutes(2)), $"silo {name} did not join the cluster");
        return silo;
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static IReadOnlyList<LedgerEntry> Entries(ClusterSettings settings, string folder)
    {
        using BatchLedger ledger = ClusterJobs.OpenLedger(settings, folder);
        return ledger.Entries();
    }
}
