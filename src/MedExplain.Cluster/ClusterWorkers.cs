using MedExplain.Pipelines.Batch;
using BatchWorker = MedExplain.Pipelines.Batch.BatchWorker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedExplain.Cluster;

/// <summary>
/// A silo's workers: they take the oldest job on the board and run <see cref="BatchWorker"/> on threads of their own
/// (explaining a scan takes seconds of CPU, which must never hold up Orleans's scheduler), leasing from the job's
/// PostgreSQL ledger like workers anywhere else. A silo that stops gracefully finishes its current items; one killed, or
/// out of shutdown time, drops them, and other silos take them when their leases run out.
/// </summary>
internal sealed partial class ClusterWorkers(IGrainFactory grains, ClusterSettings settings, ILocalSiloDetails silo, TimeProvider clock, ILogger<ClusterWorkers> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abandon = new();
    /// <summary>How long a job this silo's workers failed on is left to others before this silo tries it again.</summary>
    private static readonly TimeSpan Rest = TimeSpan.FromSeconds(30);

    // Jobs this silo failed on, until when it leaves them alone: a model missing on this machine, or a database that
    // went away for a moment; neither must stop the silo for good, nor keep it failing in a tight loop.
    private readonly Dictionary<string, DateTimeOffset> _resting = new(StringComparer.Ordinal);
    private Task _loop = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(Loop, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stop.Cancel();
        using CancellationTokenRegistration abandon = cancellationToken.Register(_abandon.Cancel);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        _stop.Dispose();
        _abandon.Dispose();
    }

    private async Task Loop()
    {
        IJobBoard board = grains.GetGrain<IJobBoard>(0);
        while (!_stop.IsCancellationRequested)
        {
            string? folder = null;
            try
            {
                folder = (await board.Active()).FirstOrDefault(f => !_resting.TryGetValue(f, out DateTimeOffset until) || until <= clock.GetUtcNow());
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The board's silo may just have died: its grain comes back elsewhere once membership knows.
                LogBoardUnreachable(e.Message);
            }

            if (folder is null)
            {
                await Task.Delay(settings.Poll, clock, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            await Work(board, folder);
        }
    }

    /// <summary>Runs the job with this silo's workers until none of its items is left to lease, then takes it off the
    /// board.</summary>
    private async Task Work(IJobBoard board, string folder)
    {
        LogJob(folder, settings.Workers);
        Task<int>[] workers = [.. Enumerable.Range(1, settings.Workers).Select(w => Task.Factory.StartNew(
            () => BatchWorker.Run(
                () => ClusterJobs.OpenLedger(settings, folder),
                $"{Environment.MachineName}:{Environment.ProcessId}:{silo.Name}:w{w}",
                clock,
                line => LogItem(line),
                _stop.Token,
                _abandon.Token),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default))];
        try
        {
            int[] finished = await Task.WhenAll(workers);
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            // Every worker returned, so nothing is left to lease anywhere: the job's results are final.
            using (BatchLedger ledger = ClusterJobs.OpenLedger(settings, folder))
            {
                BatchResults.Write(ledger);
            }

            int items = finished.Sum();
            LogJobDone(folder, items);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // This machine cannot run it (the model or the folder is not where the job says), or the database went away
            // mid-lease: the items' leases run out, other silos may carry on, and this one tries again after a rest.
            LogJobFailed(folder, e.Message, Rest.TotalSeconds);
            _resting[folder] = clock.GetUtcNow() + Rest;
            return;
        }

        _resting.Remove(folder);
        try
        {
            await board.Finish(folder);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Another silo's workers finish it too, or this one on its next look at the board.
            LogBoardUnreachable(e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Working on the job in {Folder} with {Workers} workers")]
    private partial void LogJob(string folder, int workers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Nothing left to lease in {Folder}; results written; this silo finished {Items} items")]
    private partial void LogJobDone(string folder, int items);

    [LoggerMessage(Level = LogLevel.Error, Message = "This silo's workers on the job in {Folder} stopped: {Problem}; trying it again in {Seconds} s")]
    private partial void LogJobFailed(string folder, string problem, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The job board cannot be reached ({Problem}); trying again")]
    private partial void LogBoardUnreachable(string problem);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Line}")]
    private partial void LogItem(string line);
}
