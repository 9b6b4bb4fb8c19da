using MedExplain.Batching;
using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Prediction;

namespace MedExplain.Pipelines.Batch;

/// <summary>
/// A worker of a batch job: leases items from the ledger one at a time, explains each with the job's model (loaded once,
/// one thread per operator so N workers share N cores, and every map comes out byte for byte the same whichever worker
/// makes it), writes the output and only then marks it done. A heartbeat keeps the lease while an item runs; a worker
/// that dies loses its lease when it runs out, and another worker takes the item.
/// </summary>
public static class BatchWorker
{
    /// <summary>How long a lease lasts without a heartbeat.</summary>
    public static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(10);

    /// <summary>How many times an item may fail before it is given up (its error kept and listed).</summary>
    public const int MaxAttempts = 3;

    /// <summary>Works until no item is left to lease and none is leased by another worker.</summary>
    /// <param name="openLedger">Opens the job's planned ledger (<see cref="BatchLedger.Open"/> or
    /// <see cref="BatchLedger.OpenPostgres"/>); called twice: the heartbeat has a connection of its own.</param>
    /// <param name="owner">This worker's name in the ledger.</param>
    /// <param name="clock">The clock leases run on.</param>
    /// <param name="log">Receives a line per item, or null.</param>
    /// <param name="cancel">Stops after the current item.</param>
    /// <param name="abandon">Stops before writing the current item: it is neither written nor marked, and its lease is
    /// left to run out, as when the process dies (a host out of shutdown time).</param>
    /// <returns>How many items this worker finished.</returns>
    /// <exception cref="MedExplainInputException">The ledger has no job, or the model cannot be loaded.</exception>
    public static int Run(Func<BatchLedger> openLedger, string owner, TimeProvider clock, Action<string>? log = null, CancellationToken cancel = default, CancellationToken abandon = default)
    {
        ArgumentNullException.ThrowIfNull(openLedger);
        ArgumentNullException.ThrowIfNull(clock);
        using BatchLedger ledger = openLedger();
        string folder = ledger.Folder;
        BatchJob job = ledger.Job ?? throw new MedExplainInputException(folder, "has no planned batch job: plan the job first (BatchLedger.Plan), then start its workers.");
        using OnnxModel model = OnnxModel.Load(job.Model, job.Card, new RuntimeOptions { IntraOpThreads = 1, InterOpThreads = 1 });
        if (Segmenter.Segments(model))
        {
            throw new MedExplainInputException(job.Model, "is a segmentation model; batch explains classifiers (use explain for a segmentation's region).");
        }

        int finished = 0;
        using var heartbeat = new Heartbeat(openLedger(), owner, clock);
        while (!cancel.IsCancellationRequested && !abandon.IsCancellationRequested)
        {
            WorkItem? item = ledger.Lease(owner, LeaseTime, clock.GetUtcNow());
            if (item is null)
            {
                if (ledger.Counts()[ItemState.Leased] == 0)
                {
                    break;
                }

                // Others hold the rest; one of them may die, and its items come free when its lease runs out.
                Thread.Sleep(TimeSpan.FromMilliseconds(200));
                continue;
            }

            heartbeat.Keep(item.Key);
            try
            {
                (MedicalImage map, ItemFindings findings) = Explain(model, job, item);
                if (abandon.IsCancellationRequested)
                {
                    break;
                }

                string hash = BatchOutput.Write(Path.Combine(folder, item.Output), map, findings);
                ledger.Complete(item.Key, hash, findings);
                finished++;
                log?.Invoke($"{owner}: {item.Output}");
            }
            catch (Exception e) when (e is MedExplainInputException or MedExplainParameterException or InvalidDataException or IOException)
            {
                ledger.Fail(item.Key, e.Message, MaxAttempts);
                log?.Invoke($"{owner}: {item.Output} failed: {e.Message}");
            }
            finally
            {
                heartbeat.Keep(null);
            }
        }

        return finished;
    }

    /// <summary>One item: the scan prepared for the model, its predicted class explained by the method, the map mapped
    /// back onto the scan's grid, and the map's metrics when the job has any.</summary>
    private static (MedicalImage Map, ItemFindings Findings) Explain(OnnxModel model, BatchJob job, WorkItem item)
    {
        PreparedScan input = ModelInputLoader.Prepare(item.Scan, model.InputSpec);
        ClassPrediction prediction = new Predictor(model).Predict(input.Batch, item.Scan).Items[0];
        Attribution attribution = AttributionMethods.Get(item.Method).Attribute(model, input.Batch, ClassTarget.PerItem([prediction.ClassIndex]), job.OptionsFor(item.Method));
        float[] onModelGrid = Explainer.SumChannels(attribution.Values.Item(0), attribution.Values.Shape[1]);
        var findings = new ItemFindings(item.Key, prediction.ClassName, prediction.Confidence, new Dictionary<string, double>(), new Dictionary<string, double[]>());
        if (job.Metrics.Count > 0)
        {
            EvaluationResult evaluation = new EvaluationRun(model, job.EvaluationSettingsFor(item.Method), _ => Silent.Instance)
                .Evaluate(item.Method, [BatchJob.EvaluationItemOf(item.Scan)], [attribution]);
            findings = findings with
            {
                Metrics = evaluation.Values.ToDictionary(v => v.Metric, v => v.Value, StringComparer.Ordinal),
                Curves = evaluation.Curves.ToDictionary(c => c.Metric, c => c.Scores, StringComparer.Ordinal),
            };
        }

        return (input.Scan.WithVoxels(input.Transform.MapBack(onModelGrid)), findings);
    }

    /// <summary>Progress nobody watches: a worker's progress is its items in the ledger.</summary>
    private sealed class Silent : IProgress<BatchProgress>
    {
        public static readonly Silent Instance = new();

        public void Report(BatchProgress value)
        {
        }
    }

    /// <summary>Extends the lease of the item being worked on every third of the lease's time, on a connection of its own.</summary>
    private sealed class Heartbeat : IDisposable
    {
        private readonly BatchLedger _ledger;
        private readonly Timer _timer;
        private readonly Lock _lock = new();
        private string? _key;

        public Heartbeat(BatchLedger ledger, string owner, TimeProvider clock)
        {
            _ledger = ledger;
            _timer = new Timer(_ =>
            {
                lock (_lock)
                {
                    if (_key is not null)
                    {
                        _ledger.Heartbeat(owner, _key, LeaseTime, clock.GetUtcNow());
                    }
                }
            }, null, LeaseTime / 3, LeaseTime / 3);
        }

        /// <summary>Keeps the lease of <paramref name="key"/> from now on (null: none).</summary>
        public void Keep(string? key)
        {
            lock (_lock)
            {
                _key = key;
            }
        }

        public void Dispose()
        {
            using var stopped = new ManualResetEvent(false);
            _timer.Dispose(stopped);
            stopped.WaitOne();
            _ledger.Dispose();
        }
    }
}
