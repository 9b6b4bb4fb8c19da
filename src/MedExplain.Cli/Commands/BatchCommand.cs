using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using MedExplain.Batching;
using MedExplain.Cli.Evaluation;
using MedExplain.Cli.Reports;
using MedExplain.Pipelines;
using MedExplain.Pipelines.Batch;
using BatchWorker = MedExplain.Pipelines.Batch.BatchWorker;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain batch</c>: a job of scans × methods over a cohort, resumable, run by worker processes that
/// share a durable ledger (<see cref="BatchLedger"/>); the command plans, starts and watches them.</summary>
internal static class BatchCommand
{
    private static readonly Lock LogLock = new();

    public static Command Create(CliConsole console)
    {
        var command = new Command("batch", "Explain a cohort: scans × methods, resumable, by several worker processes; nothing is lost when one dies.");
        command.Subcommands.Add(Run(console));
        command.Subcommands.Add(Status(console));
        command.Subcommands.Add(Worker(console));
        return command;
    }

    internal static Option<string> Output() => new("--out", "-o", "--output") { Description = "The job's folder: its ledger (ledger.db), maps (maps/), results.jsonl and failed.jsonl.", Required = true };

    private static Option<string> LedgerOption() => new("--ledger") { Description = "A PostgreSQL connection string: the ledger lives there instead of OUT/ledger.db, for workers on several machines (docs/batch.md)." };

    /// <summary>Opens the job's ledger: in PostgreSQL when a connection string is given, else SQLite in the folder.</summary>
    private static Func<BatchLedger> Ledger(string folder, string? connection) =>
        () => connection is null ? BatchLedger.Open(folder) : BatchLedger.OpenPostgres(connection, folder);

    private static Command Run(CliConsole console)
    {
        var jobOptions = new JobOptions("A job file (docs/batch.md): model, scans, methods, parameters.");
        Option<string> output = Output();
        Option<string> ledgerOption = LedgerOption();
        Option<int?> workers = new("--workers") { Description = "Worker processes, one thread each; default: one per core of this machine." };
        var command = new Command("run", "Plan the job (items keyed by model, scan, method and parameters: a re-run does only what is new or changed), then run it with worker processes until every item is done or has failed three times.")
        {
            output, ledgerOption, workers,
        };
        jobOptions.AddTo(command);
        command.SetAction(result => console.Guard(() =>
        {
            BatchJob job = jobOptions.Read(result);
            string folder = result.GetValue(output)!;
            int count = CliOptions.AtLeastOne(result.GetValue(workers) ?? Environment.ProcessorCount, "workers");
            IReadOnlyList<WorkItem> items = job.Items();
            Func<BatchLedger> open = Ledger(folder, result.GetValue(ledgerOption));
            using (BatchLedger ledger = open())
            {
                int leftovers = BatchOutput.DeleteLeftovers(folder);
                PlanSummary plan = ledger.Plan(job, items);
                console.Out.WriteLine($"batch: {plan.Items} items; done before {plan.Done}, adopted {plan.Adopted} (written, not yet marked), redone {plan.Redone} (output missing or changed), superseded {plan.Superseded}{(leftovers > 0 ? $", {leftovers} partial files removed" : string.Empty)}");
            }

            Watch(console, folder, result.GetValue(ledgerOption), count);
            using BatchLedger finished = open();
            return Finish(console, finished);
        }));
        return command;
    }

    private static Command Status(CliConsole console)
    {
        Option<string> output = Output();
        Option<string> ledgerOption = LedgerOption();
        Option<bool> report = Report();
        var command = new Command("status", "Where a job stands: items by state, re-leased items, failures with their errors.") { output, ledgerOption, report };
        command.SetAction(result => console.Guard(() =>
        {
            string folder = result.GetValue(output)!;
            if (result.GetValue(ledgerOption) is null && !File.Exists(Path.Combine(folder, BatchLedger.FileName)))
            {
                throw new MedExplainInputException(folder, "has no batch ledger: give the --out of a `medexplain batch run`.");
            }

            using BatchLedger ledger = Ledger(folder, result.GetValue(ledgerOption))();
            PrintStatus(console, ledger);
            return result.GetValue(report) ? ReportEnded(console, ledger) : ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The option that writes an ended job's results and report again (a detached cluster job's report).</summary>
    internal static Option<bool> Report() => new("--report") { Description = "Write the ended job's results.jsonl, failed.jsonl and, for a job with metrics, metrics.csv, metrics.json and report.html over the cohort." };

    /// <summary>Writes an ended job's results and report; refuses while items are left, as workers may be writing.</summary>
    internal static int ReportEnded(CliConsole console, BatchLedger ledger)
    {
        IReadOnlyDictionary<ItemState, int> counts = ledger.Counts();
        int left = counts[ItemState.Pending] + counts[ItemState.Leased];
        if (left > 0)
        {
            throw new MedExplainParameterException("report", $"{ledger.Folder} still has {left} items to do; its results and report are written when it ends.");
        }

        return Finish(console, ledger);
    }

    /// <summary>Prints a job's items by state, how many were leased again, and its failures with their errors.</summary>
    internal static void PrintStatus(CliConsole console, BatchLedger ledger)
    {
        IReadOnlyDictionary<ItemState, int> counts = ledger.Counts();
        IReadOnlyList<LedgerEntry> entries = ledger.Entries();
        console.Out.WriteLine($"{ledger.Folder}: {entries.Count} items: {string.Join(", ", counts.Select(c => $"{c.Value} {c.Key.ToString().ToLowerInvariant()}"))}; {entries.Count(e => e.Leases > 1)} leased more than once");
        foreach (LedgerEntry failed in entries.Where(e => e.State == ItemState.Failed))
        {
            console.Out.WriteLine($"  failed after {failed.Attempts} attempts: {failed.Item.Scan} {failed.Item.Method}: {failed.Error}");
        }
    }

    private static Command Worker(CliConsole console)
    {
        Option<string> output = Output();
        Option<string> ledgerOption = LedgerOption();
        Option<string> name = new("--name") { Description = "The worker's name in the ledger.", DefaultValueFactory = _ => "worker" };
        var command = new Command("worker", "Work on a planned job until nothing is left (batch run starts these; start more on other machines that see the same folder).") { output, ledgerOption, name };
        command.SetAction(result => console.Guard(() =>
        {
            string owner = WorkerName(Environment.ProcessId, result.GetValue(name)!);
            int finished = BatchWorker.Run(Ledger(result.GetValue(output)!, result.GetValue(ledgerOption)), owner, TimeProvider.System);
            console.Out.WriteLine($"{owner}: {finished} items");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>A worker's name in the ledger: its machine, process and name, so a dead one can be told apart.</summary>
    private static string WorkerName(int process, string name) => $"{Environment.MachineName}:{process}:{name}";


    /// <summary>Starts the workers and keeps them going until nothing is pending or leased: a worker that dies (killed,
    /// out of memory) is replaced, at most ten times per worker, its item freed when its lease runs out.</summary>
    private static void Watch(CliConsole console, string folder, string? connection, int workers)
    {
        Func<BatchLedger> open = Ledger(folder, connection);
        int remaining;
        using (BatchLedger ledger = open())
        {
            IReadOnlyDictionary<ItemState, int> counts = ledger.Counts();
            remaining = counts[ItemState.Pending] + counts[ItemState.Leased];
        }

        if (remaining == 0)
        {
            return;
        }

        Directory.CreateDirectory(Path.Combine(folder, "logs"));
        var running = new Process?[workers];
        int restarts = 0;
        IProgress<BatchProgress> progress = console.Progress("batch");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            int left, done;
            using (BatchLedger ledger = open())
            {
                IReadOnlyDictionary<ItemState, int> counts = ledger.Counts();
                left = counts[ItemState.Pending] + counts[ItemState.Leased];
                done = remaining - left;
            }

            progress.Report(new BatchProgress(Math.Max(0, done), remaining, workers));
            if (left == 0 && running.All(p => p is null || p.HasExited))
            {
                break;
            }

            for (int w = 0; w < workers; w++)
            {
                if (left > 0 && (running[w] is null || running[w]!.HasExited))
                {
                    if (running[w] is { } dead)
                    {
                        if (++restarts > 10 * workers)
                        {
                            throw new MedExplainInputException(folder, $"workers died {restarts} times; see {Path.Combine(folder, "logs")}.");
                        }

                        // Its process is gone: its items go back to the queue now, not when their leases run out.
                        using BatchLedger ledger = open();
                        ledger.Release(WorkerName(dead.Id, $"w{w + 1}"));
                        dead.Dispose();
                    }

                    running[w] = StartWorker(folder, connection, $"w{w + 1}");
                }
            }

            Thread.Sleep(250);
        }

        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch: {remaining} items in {clock.Elapsed.TotalSeconds:0.0} s ({remaining / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):0.0}/s) with {workers} workers, {restarts} restarted"));
    }

    /// <summary>Starts <c>medexplain batch worker</c> as a process of its own, its output appended to logs/NAME.log.</summary>
    private static Process StartWorker(string folder, string? connection, string name)
    {
        string host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (string argument in new[] { "batch", "worker", "--out", folder, "--name", name })
        {
            start.ArgumentList.Add(argument);
        }

        if (connection is not null)
        {
            start.ArgumentList.Add("--ledger");
            start.ArgumentList.Add(connection);
        }

        var process = Process.Start(start)!;
        string log = Path.Combine(folder, "logs", name + ".log");
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The evaluate report over the cohort: metrics.csv, metrics.json, report.html and the table of means, from
    /// the items done (a failed item's scan is missing from them, and listed in failed.jsonl).</summary>
    private static void WriteEvaluation(CliConsole console, BatchJob job, IReadOnlyList<LedgerEntry> entries, string folder)
    {
        EvaluationResult evaluation = BatchResults.Evaluation(entries);
        EvaluationSettings settings = job.EvaluationSettingsFor(job.Methods[0]) with { Methods = job.Methods };
        LedgerEntry[] done = [.. entries.Where(e => e.State == ItemState.Done)];
        EvaluationOutput.WriteFiles(evaluation, folder);
        EvaluationOutput.WriteTable(console.Out, evaluation, settings);
        var parameters = new Dictionary<string, string>
        {
            ["model"] = Path.GetFileName(job.Model),
            ["scans"] = done.Select(e => e.Item.Scan).Distinct().Count().ToString(CultureInfo.InvariantCulture),
            ["items done"] = $"{done.Length} of {entries.Count} (failed ones: {BatchResults.FailedFile})",
            ["target"] = "the predicted class of each scan",
            ["baseline"] = "zeros (the model's input space)",
        };
        foreach ((string name, string value) in job.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parameters[name] = value;
        }

        string report = EvaluationOutput.WriteReport(evaluation, settings, $"MedExplain cohort evaluation: {Path.GetFileNameWithoutExtension(job.Model)}", parameters, folder);
        console.Out.WriteLine($"report: {report}");
    }

    private static void Append(string log, string? line)
    {
        if (line is not null)
        {
            lock (LogLock)
            {
                File.AppendAllLines(log, [line]);
            }
        }
    }

    /// <summary>Writes the job's results (<see cref="BatchResults"/>), and for a job with metrics the evaluate report over
    /// the cohort, and lists the failures: exit 2 when any item failed, so no item is skipped silently.</summary>
    internal static int Finish(CliConsole console, BatchLedger ledger)
    {
        string folder = ledger.Folder;
        IReadOnlyList<LedgerEntry> entries = BatchResults.Write(ledger);
        LedgerEntry[] failed = [.. entries.Where(e => e.State == ItemState.Failed)];
        console.Out.WriteLine($"batch: {entries.Count(e => e.State == ItemState.Done)} of {entries.Count} done; results: {Path.Combine(folder, BatchResults.ResultsFile)}");
        if (ledger.Job is { Metrics.Count: > 0 } job)
        {
            WriteEvaluation(console, job, entries, folder);
        }

        foreach (LedgerEntry f in failed)
        {
            console.Error.WriteLine($"failed after {f.Attempts} attempts: {f.Item.Scan} {f.Item.Method}: {f.Error}");
        }

        return failed.Length == 0 ? ExitCodes.Success : ExitCodes.BadInput;
    }
}

/// <summary>The options that name a batch job: a job file, or the model, scans, methods and parameters.</summary>
internal sealed class JobOptions(string jobFileDescription)
{
    private readonly Option<string> _jobFile = new("--job") { Description = jobFileDescription };
    private readonly Option<string> _model = new("--model", "-m") { Description = "The model (instead of --job)." };
    private readonly Option<string[]> _data = new("--data") { Description = "Scans or folders of scans (instead of --job).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string> _methods = new("--methods") { Description = "Comma-separated methods (instead of --job)." };
    private readonly Option<string?> _metrics = new("--metrics") { Description = $"Comma-separated metrics to evaluate each map with, as evaluate does (instead of --job): {EvaluationMetrics.Names}." };
    private readonly Option<string[]> _parameters = new("--param") { Description = "NAME=VALUE or METHOD.NAME=VALUE: steps, samples, noise, seed for the maps; curve-steps, repeats for the metrics (instead of --job).", AllowMultipleArgumentsPerToken = true };

    /// <summary>Puts these options among the command's, from position <paramref name="at"/> on.</summary>
    public void AddTo(Command command, int at = 0)
    {
        Option[] options = [_jobFile, _model, _data, _methods, _metrics, _parameters];
        for (int i = 0; i < options.Length; i++)
        {
            command.Options.Insert(at + i, options[i]);
        }
    }

    /// <summary>The job the command line names, checked.</summary>
    public BatchJob Read(ParseResult result)
    {
        string? file = result.GetValue(_jobFile);
        if (file is not null && new Option[] { _model, _data, _methods, _metrics, _parameters }.FirstOrDefault(o => result.GetResult(o) is { Implicit: false }) is { } both)
        {
            throw new MedExplainParameterException("job", $"the job file names the model, scans, methods, metrics and parameters: give --job or {both.Name}, not both.");
        }

        return file is not null ? BatchJob.Load(file) : FromOptions(result.GetValue(_model), result.GetValue(_data), result.GetValue(_methods), result.GetValue(_metrics), result.GetValue(_parameters));
    }

    private static BatchJob FromOptions(string? model, string[]? data, string? methods, string? metrics, string[]? parameters)
    {
        if (model is null || data is not { Length: > 0 } || methods is null)
        {
            throw new MedExplainParameterException("job", "give --job FILE, or --model, --data and --methods.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string p in parameters ?? [])
        {
            string[] parts = p.Split('=', 2);
            values[parts[0]] = parts.Length == 2 ? parts[1] : throw new MedExplainParameterException("param", $"\"{p}\" is not NAME=VALUE.");
        }

        var job = new BatchJob(Path.GetFullPath(model), null, [.. data.Select(Path.GetFullPath)], [.. methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)], values)
        {
            Metrics = metrics is null ? [] : [.. metrics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        };
        job.Check("the options");
        return job;
    }
}
