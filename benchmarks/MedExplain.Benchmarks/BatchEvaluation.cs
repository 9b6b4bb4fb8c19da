using System.Diagnostics;
using MedExplain.Batching;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Pipelines;
using MedExplain.Pipelines.Batch;

namespace MedExplain.Benchmarks;

/// <summary>
/// <c>batch-evaluate</c>: a batch job with metrics (S seeded variants of a demo slice × gradient × deletion and insertion,
/// 20 steps) run by N worker processes, against <c>evaluate</c>'s run of the same scans in this one process (ONNX Runtime
/// on every core; the curves of all scans streamed through one batched runner): what evaluating one item at a time,
/// resumably, costs or gains against the single process.
/// </summary>
internal static class BatchEvaluation
{
    public static int Run(int scans, int workers)
    {
        string folder = Directory.CreateTempSubdirectory("medexplain-batch-evaluate-").FullName;
        try
        {
            string data = BatchThroughput.WriteVariants(Path.Combine(folder, "scans"), scans);
            string[] metrics = ["deletion", "insertion"];
            var job = new BatchJob(DemoModels.Path("brain-lesion-2d"), null, [data], ["gradient"], new Dictionary<string, string> { ["curve-steps"] = "20" }) { Metrics = metrics };
            IReadOnlyList<WorkItem> items = job.Items();

            // evaluate in one process: warmed up on 10 scans, then timed on all of them.
            EvaluationItem[] cohort = [.. items.Select(i => BatchJob.EvaluationItemOf(i.Scan))];
            using var model = OnnxModel.Load(job.Model);
            EvaluationSettings settings = job.EvaluationSettingsFor("gradient");
            new EvaluationRun(model, settings, _ => new Progress<BatchProgress>()).Run([.. cohort.Take(10)]);
            var clock = Stopwatch.StartNew();
            new EvaluationRun(model, settings, _ => new Progress<BatchProgress>()).Run(cohort);
            double single = cohort.Length / clock.Elapsed.TotalSeconds;

            string together = Path.Combine(folder, "together");
            using (BatchLedger ledger = BatchLedger.Open(together))
            {
                ledger.Plan(job, items);
            }

            clock.Restart();
            Process[] running = [.. Enumerable.Range(0, workers).Select(w => BatchThroughput.StartWorker(together, $"w{w + 1}"))];
            foreach (Process process in running)
            {
                process.WaitForExit();
                process.Dispose();
            }

            double rate = items.Count / clock.Elapsed.TotalSeconds;
            using (BatchLedger ledger = BatchLedger.Open(together))
            {
                int done = ledger.Counts()[ItemState.Done];
                if (done != items.Count)
                {
                    Console.Error.WriteLine($"batch-evaluate: only {done} of {items.Count} items done");
                    return 1;
                }
            }

            Console.WriteLine($"batch-evaluate: {items.Count} items (2D demo model, gradient; {string.Join(" and ", metrics)}, {settings.Steps} steps), {workers} worker processes on {Environment.ProcessorCount} cores");
            Console.WriteLine($"  evaluate in one process (every core): {single:0.0} scans/s; batch with {workers} workers: {rate:0.0} items/s (process start and model load included)");
            Console.WriteLine($"  batch / evaluate: {rate / single:0.00}");
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
