using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using MedExplain.Batching;
using MedExplain.Cluster;
using MedExplain.Pipelines.Batch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain cluster</c>: batch jobs on a cluster of Orleans silos (<see cref="ClusterHosting"/>); the
/// command starts a silo, or submits a job and follows it.</summary>
internal static class ClusterCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("cluster", "Run batch jobs on a cluster of machines: each runs a silo, any of them (or any machine that sees the database) submits jobs; docs/batch.md.");
        command.Subcommands.Add(Silo(console));
        command.Subcommands.Add(Submit(console));
        command.Subcommands.Add(Status(console));
        return command;
    }

    private static Option<string> Database() => new("--db") { Description = "The cluster's PostgreSQL connection string (membership, the job board, the jobs' ledgers); keep the password in a passfile.", Required = true };

    private static Option<string> ClusterName() => new("--cluster") { Description = "The cluster's name: silos and submitters of one cluster give the same.", DefaultValueFactory = _ => "medexplain" };

    private static Command Silo(CliConsole console)
    {
        Option<string> db = Database();
        Option<string> cluster = ClusterName();
        Option<string> name = new("--name") { Description = "This silo's name in the cluster and in the ledgers; default: this machine's name." };
        Option<int?> workers = new("--workers") { Description = "Worker threads (one ONNX Runtime thread each); default: one per core of this machine." };
        Option<string> address = new("--address") { Description = "The IP address other machines reach this silo at; default: this machine's first network address." };
        Option<int> port = new("--port") { Description = "The port silos talk to each other on.", DefaultValueFactory = _ => 11111 };
        Option<int> gatewayPort = new("--gateway-port") { Description = "The port submitters connect to.", DefaultValueFactory = _ => 30000 };
        var command = new Command("silo", "Start a silo: it joins the cluster (or starts it) and its workers run the jobs on the board until Ctrl+C, which lets them finish their current items.")
        {
            db, cluster, name, workers, address, port, gatewayPort,
        };
        command.SetAction(result => console.Guard(() =>
        {
            var settings = new ClusterSettings(result.GetValue(db)!)
            {
                ClusterId = result.GetValue(cluster)!,
                Workers = CliOptions.AtLeastOne(result.GetValue(workers) ?? Environment.ProcessorCount, "workers"),
            };
            string siloName = result.GetValue(name) ?? Environment.MachineName;
            IPAddress? advertised = result.GetValue(address) is { } text
                ? IPAddress.TryParse(text, out IPAddress? parsed) ? parsed : throw new MedExplainParameterException("address", $"\"{text}\" is not an IP address.")
                : null;
            int siloPort = Port(result.GetValue(port), "port");
            int gateway = Port(result.GetValue(gatewayPort), "gateway-port");

            HostApplicationBuilder builder = QuietHost();
            builder.Logging.AddFilter("MedExplain", LogLevel.Information);
            builder.UseOrleans(silo =>
            {
                silo.Configure<SiloOptions>(options => options.SiloName = siloName);
                if (advertised is null)
                {
                    silo.ConfigureEndpoints(siloPort, gateway, listenOnAnyHostAddress: true);
                }
                else
                {
                    silo.ConfigureEndpoints(advertised, siloPort, gateway, listenOnAnyHostAddress: true);
                }

                silo.AddMedExplainCluster(settings);
            });
            using IHost host = builder.Build();
            host.Start();
            console.Out.WriteLine($"silo {siloName} is in cluster {settings.ClusterId} (ports {siloPort}, {gateway}) with {settings.Workers} workers; Ctrl+C stops it after their current items.");
            host.WaitForShutdown();
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Submit(CliConsole console)
    {
        Option<string> db = Database();
        Option<string> cluster = ClusterName();
        var jobOptions = new JobOptions("A job file (docs/batch.md): model, scans, methods, parameters; every path the same on every machine.");
        Option<string> output = BatchCommand.Output();
        Option<bool> detach = new("--detach") { Description = "Return once the job is on the board instead of following it to the end." };
        var command = new Command("submit", "Plan a job in its ledger in the cluster's database (a re-run does only what is new or changed) and put it on the cluster's board; follow it until done, then write results.jsonl and failed.jsonl.")
        {
            db, cluster, output, detach,
        };
        jobOptions.AddTo(command, at: 2);
        command.SetAction(result => console.Guard(() =>
        {
            BatchJob job = jobOptions.Read(result);
            var settings = new ClusterSettings(result.GetValue(db)!) { ClusterId = result.GetValue(cluster)! };
            string folder = ClusterDatabase.JobFolder(result.GetValue(output)!);
            using IHost client = Connect(settings);
            IClusterClient grains = client.Services.GetRequiredService<IClusterClient>();
            PlanSummary plan = ClusterJobs.Submit(grains, settings, job, folder).GetAwaiter().GetResult();
            console.Out.WriteLine($"cluster: {plan.Items} items on the board of cluster {settings.ClusterId}; done before {plan.Done}, adopted {plan.Adopted}, redone {plan.Redone}, superseded {plan.Superseded}");
            if (result.GetValue(detach))
            {
                console.Out.WriteLine($"the cluster writes its results into {folder} when it is done; follow it with: medexplain cluster status --db DB --out {folder}{(job.Metrics.Count > 0 ? " (add --report once it has ended for the evaluate report over the cohort)" : string.Empty)}");
                return ExitCodes.Success;
            }

            Follow(console, grains, settings, folder);
            using BatchLedger ledger = ClusterJobs.OpenLedger(settings, folder);
            return BatchCommand.Finish(console, ledger);
        }));
        return command;
    }

    private static Command Status(CliConsole console)
    {
        Option<string> db = Database();
        Option<string> cluster = ClusterName();
        Option<string> output = new("--out", "-o", "--output") { Description = "One job's folder; default: every job on the board." };
        Option<bool> report = BatchCommand.Report();
        var command = new Command("status", "The jobs on the cluster's board (or one job, on the board or not): items by state, re-leased items, failures with their errors.") { db, cluster, output, report };
        command.SetAction(result => console.Guard(() =>
        {
            var settings = new ClusterSettings(result.GetValue(db)!) { ClusterId = result.GetValue(cluster)! };
            string[] folders;
            if (result.GetValue(report) && result.GetValue(output) is null)
            {
                throw new MedExplainParameterException("report", "needs --out: the job whose results and report to write.");
            }

            if (result.GetValue(output) is { } one)
            {
                folders = [ClusterDatabase.JobFolder(one)];
            }
            else
            {
                using IHost client = Connect(settings);
                folders = ClusterJobs.Active(client.Services.GetRequiredService<IClusterClient>()).GetAwaiter().GetResult();
                console.Out.WriteLine($"cluster {settings.ClusterId}: {folders.Length} jobs on the board");
            }

            foreach (string folder in folders)
            {
                using BatchLedger ledger = ClusterJobs.OpenLedger(settings, folder);
                if (ledger.Job is null)
                {
                    throw new MedExplainInputException(folder, $"is no job of cluster {settings.ClusterId}: give the --out of a `medexplain cluster submit`.");
                }

                BatchCommand.PrintStatus(console, ledger);
                if (result.GetValue(report))
                {
                    return BatchCommand.ReportEnded(console, ledger);
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Shows the job's progress until the cluster takes it off its board (every item done or failed).</summary>
    private static void Follow(CliConsole console, IClusterClient grains, ClusterSettings settings, string folder)
    {
        IProgress<BatchProgress> progress = console.Progress("cluster");
        var clock = Stopwatch.StartNew();
        int total;
        int left;
        do
        {
            Thread.Sleep(500);
            using BatchLedger ledger = ClusterJobs.OpenLedger(settings, folder);
            IReadOnlyDictionary<ItemState, int> counts = ledger.Counts();
            total = counts.Values.Sum();
            left = counts[ItemState.Pending] + counts[ItemState.Leased];
            progress.Report(new BatchProgress(total - left, total, 1));
        }
        while (left > 0 || OnBoard(grains, folder));

        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cluster: {total} items in {clock.Elapsed.TotalSeconds:0.0} s"));
    }

    /// <summary>Whether the job is still on the board; while the board's silo has died and membership has not yet
    /// declared it dead, the board does not answer, and the job counts as still on it.</summary>
    private static bool OnBoard(IClusterClient grains, string folder)
    {
        try
        {
            return ClusterJobs.Active(grains).GetAwaiter().GetResult().Contains(folder);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            return true;
        }
    }

    /// <summary>A client of the cluster, connected through a gateway its membership table lists.</summary>
    private static IHost Connect(ClusterSettings settings)
    {
        ClusterDatabase.Prepare(settings.ConnectionString);
        HostApplicationBuilder builder = QuietHost();
        int attempts = 0;
        builder.UseOrleansClient(client => client.UseMedExplainCluster(settings)
            // Orleans would keep looking for a gateway for minutes; a few tries tell a user whether a silo is up.
            .UseConnectionRetryFilter((_, _) => Task.FromResult(++attempts < 3)));
        builder.Logging.AddFilter("Orleans.Messaging.GatewayManager", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        IHost host = builder.Build();
        try
        {
            host.Start();
            return host;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            host.Dispose();
            throw new MedExplainInputException("--db", $"no silo of cluster {settings.ClusterId} answers: start one with `medexplain cluster silo`.", e);
        }
    }

    /// <summary>A host that logs warnings and errors only, on one line each, with no configuration files read.</summary>
    private static HostApplicationBuilder QuietHost()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Notes at every start (server GC, a watchdog's first tick) and a warning per client that disconnects are noise.
        builder.Logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
        builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        builder.Logging.AddFilter("Orleans.Runtime.Messaging", LogLevel.Error);
        return builder;
    }

    private static int Port(int port, string option) =>
        port is > 0 and < 65536 ? port : throw new MedExplainParameterException(option, $"{port} is not a port (1 to 65535).");
}
