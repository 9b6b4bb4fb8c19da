using System.Diagnostics;
using MedExplain.Pipelines.Batch;
using BatchWorker = MedExplain.Pipelines.Batch.BatchWorker;
using MedExplain.TestUtilities;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace MedExplain.Cluster.Tests;

/// <summary>
/// A batch job on a cluster of three Orleans silos (Orleans's test cluster, in this process), membership, the job board
/// and the ledger in PostgreSQL, with the silo that hosts the job board killed while its worker is in the middle of an
/// item. Every output must exist once and be byte for byte the output of one undisturbed worker; the killed silo's item
/// must be leased again by another silo; the job board must come back on a survivor, from PostgreSQL, and take the job
/// off when it is done, its results written.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ClusterChaosTests : IDisposable
{
    private const string ConnectionKey = "MedExplainTests:Connection";

    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [SkippableFact]
    public async Task Job_SiloWithTheBoardKilledMidItem_LosesNothing_DuplicatesNothing_AndMatchesOneWorker()
    {
        string connection = PostgresSchema.Create("cluster");
        var job = new BatchJob(RepoPaths.DemoModel("brain-lesion-2d"), null, [CohortScans.Write(_temp.File("scans"), 1000)], ["gradient", "integrated-gradients"], new Dictionary<string, string> { ["steps"] = "16" });
        string reference = _temp.File("reference");
        using (BatchLedger ledger = BatchLedger.Open(reference))
        {
            ledger.Plan(job, job.Items());
        }

        var clock = Stopwatch.StartNew();
        BatchWorker.Run(() => BatchLedger.Open(reference), "reference", TimeProvider.System);
        double alone = clock.Elapsed.TotalSeconds;

        var builder = new TestClusterBuilder(3);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ConfigureFileLogging = false;
        builder.Properties[ConnectionKey] = connection;
        builder.AddSiloBuilderConfigurator<Silo>();
        builder.AddClientBuilderConfigurator<Client>();
        TestCluster cluster = builder.Build();
        await cluster.DeployAsync();
        var settings = new ClusterSettings(connection);
        string folder = _temp.File("cluster");
        string[] held;
        clock.Restart();
        try
        {
            PlanSummary plan = await ClusterJobs.Submit(cluster.Client, settings, job, folder);
            Assert.Equal(2000, plan.Items);

            // The silo the board lives on, killed as soon as its worker has taken an item after a quarter of the job.
            SiloHandle boardSilo = await BoardSilo(cluster);
            string victim = $":{boardSilo.Name}:";
            await Until(() => Entries(settings, folder).Count(e => e.State == ItemState.Done) >= 500, "a quarter of the job done");
            await Until(() => Entries(settings, folder).Any(e => e.State == ItemState.Leased && e.Owner!.Contains(victim, StringComparison.Ordinal)), "the board's silo working on an item");
            await cluster.KillSiloAsync(boardSilo);
            // A write already under way when the silo died may still finish; what is leased a moment later is dropped.
            await Task.Delay(TimeSpan.FromSeconds(1));
            held = [.. Entries(settings, folder).Where(e => e.State == ItemState.Leased && e.Owner!.Contains(victim, StringComparison.Ordinal)).Select(e => e.Item.Key)];

            await Until(async () => (await ClusterJobs.Active(cluster.Client)).Length == 0, "the job taken off the board");
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }

        double onCluster = clock.Elapsed.TotalSeconds;
        IReadOnlyList<LedgerEntry> entries = Entries(settings, folder);
        Assert.All(entries, e => Assert.Equal(ItemState.Done, e.State));
        // The items the killed silo held were leased again (none held only when the kill fell between a commit and the
        // next lease).
        Assert.All(entries.Where(e => held.Contains(e.Item.Key)), e => Assert.True(e.Leases >= 2, $"{e.Item.Output} was held by the killed silo, yet leased {e.Leases} time(s)"));
        string[] expected = [.. Directory.GetFiles(Path.Combine(reference, "maps")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        string[] produced = [.. Directory.GetFiles(Path.Combine(folder, "maps")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(2 * 2000, expected.Length); // each item's map and its findings
        Assert.Equal(expected, produced);
        // The silo that found nothing left wrote the results, with no submitter following the job.
        Assert.Equal(2000, File.ReadAllLines(Path.Combine(folder, BatchResults.ResultsFile)).Length);
        foreach (string name in expected)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(reference, "maps", name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder, "maps", name))), $"{name} differs from the undisturbed run's");
        }

        Console.WriteLine($"cluster chaos: {held.Length} item(s) dropped by the killed silo and leased again; one worker {alone:0.0} s, three silos with one killed {onCluster:0.0} s");
    }

    /// <summary>The silo the job board is active on.</summary>
    private static async Task<SiloHandle> BoardSilo(TestCluster cluster)
    {
        IManagementGrain management = cluster.Client.GetGrain<IManagementGrain>(0);
        for (int tries = 0; tries < 100; tries++)
        {
            DetailedGrainStatistic? board = (await management.GetDetailedGrainStatistics()).FirstOrDefault(s => s.GrainType.Contains(nameof(JobBoard), StringComparison.Ordinal));
            if (board is not null && cluster.GetSiloForAddress(board.SiloAddress) is { } silo)
            {
                return silo;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("The job board is active on no silo.");
    }

    private static IReadOnlyList<LedgerEntry> Entries(ClusterSettings settings, string folder)
    {
        using BatchLedger ledger = ClusterJobs.OpenLedger(settings, folder);
        return ledger.Entries();
    }

    private static Task Until(Func<bool> condition, string what) => Until(() => Task.FromResult(condition()), what);

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(10), $"waited 10 minutes for {what}");
            await Task.Delay(250);
        }
    }

    /// <summary>Each test silo: a cluster member with one worker, with Orleans's own membership timings.</summary>
    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMedExplainCluster(new ClusterSettings(siloBuilder.Configuration[ConnectionKey]!)
            {
                Poll = TimeSpan.FromMilliseconds(500),
            });
        }
    }

    private sealed class Client : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseMedExplainCluster(new ClusterSettings(configuration[ConnectionKey]!));
    }
}
