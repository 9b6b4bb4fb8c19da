using System.Globalization;
using System.Diagnostics;
using System.Reflection;
using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;
using MedExplain.Pipelines.Batch;

namespace MedExplain.Benchmarks;

/// <summary>
/// <c>batch-throughput</c>: items per second of a batch job (S seeded variants of a demo slice × gradient and
/// input×gradient) run by N worker processes on one ledger, against the ideal of the same run: N × the rate of one
/// worker alone in this process (the same items' work, ledger included, one thread), measured first on 400 items after 50 to warm up.
/// With a kill interval, one worker is killed (SIGKILL) that often and replaced at once, as <c>batch run</c> does: the
/// wall time is then compared with the ideal of N workers that never die.
/// </summary>
internal static class BatchThroughput
{
    public static int Run(int scans, int workers, double killEverySeconds = 0)
    {
        string folder = Directory.CreateTempSubdirectory("medexplain-batch-").FullName;
        try
        {
            string data = WriteVariants(Path.Combine(folder, "scans"), scans);
            var job = new BatchJob(DemoModels.Path("brain-lesion-2d"), null, [data], ["gradient", "input-x-gradient"], new Dictionary<string, string>());
            IReadOnlyList<WorkItem> items = job.Items();

            // One worker alone in this process, after a warm-up of 50 items (JIT, the compiled graphs): the ideal's rate.
            string warm = Path.Combine(folder, "warm"), alone = Path.Combine(folder, "alone");
            using (BatchLedger ledger = BatchLedger.Open(warm))
            {
                ledger.Plan(job, [.. items.Take(50)]);
            }

            using (BatchLedger ledger = BatchLedger.Open(alone))
            {
                ledger.Plan(job, [.. items.Skip(50).Take(400)]);
            }

            BatchWorker.Run(() => BatchLedger.Open(warm), "warm", TimeProvider.System);
            var clock = Stopwatch.StartNew();
            int done = BatchWorker.Run(() => BatchLedger.Open(alone), "alone", TimeProvider.System);
            double single = done / clock.Elapsed.TotalSeconds;

            string together = Path.Combine(folder, "together");
            using (BatchLedger ledger = BatchLedger.Open(together))
            {
                ledger.Plan(job, items);
            }

            clock.Restart();
            // When each worker process finished its first item (it says so on its output, so that watching costs the
            // workers nothing), and when it ended: the time it was up and working. A restarted worker's start (process,
            // model load, graphs compiled) is the kill's cost, not working time.
            var firstItem = new System.Collections.Concurrent.ConcurrentDictionary<int, double>();
            var ended = new Dictionary<int, double>();
            Process Start(int w) => StartWorker(together, $"w{w + 1}", pid => firstItem.TryAdd(pid, clock.Elapsed.TotalSeconds));
            Process[] running = [.. Enumerable.Range(0, workers).Select(Start)];
            var pick = new Random(1);
            var lastKill = Stopwatch.StartNew();
            int kills = 0;
            double nearlyDone = -1;
            while (true)
            {
                if (killEverySeconds > 0 && lastKill.Elapsed.TotalSeconds >= killEverySeconds && running.FirstOrDefault(p => !p.HasExited) is not null)
                {
                    Process victim = running.Where(p => !p.HasExited).ElementAt(pick.Next(running.Count(p => !p.HasExited)));
                    victim.Kill();
                    kills++;
                    lastKill.Restart();
                }

                int left;
                using (BatchLedger ledger = BatchLedger.Open(together))
                {
                    IReadOnlyDictionary<ItemState, int> counts = ledger.Counts();
                    left = counts[ItemState.Pending] + counts[ItemState.Leased];
                }

                foreach (Process p in running.Where(p => p.HasExited && !ended.ContainsKey(p.Id)))
                {
                    ended[p.Id] = clock.Elapsed.TotalSeconds;
                }

                if (left <= items.Count / 100 && nearlyDone < 0)
                {
                    nearlyDone = clock.Elapsed.TotalSeconds;
                }

                if (left == 0 && running.All(p => p.HasExited))
                {
                    break;
                }

                for (int w = 0; w < workers; w++)
                {
                    if (left > 0 && running[w].HasExited)
                    {
                        // As batch run does: the dead worker's items go back to the queue at once.
                        using (BatchLedger ledger = BatchLedger.Open(together))
                        {
                            ledger.Release($"{Environment.MachineName}:{running[w].Id}:w{w + 1}");
                        }

                        running[w].Dispose();
                        running[w] = Start(w);
                    }
                }

                Thread.Sleep(100);
            }

            foreach (Process process in running)
            {
                process.Dispose();
            }

            double rate = items.Count / clock.Elapsed.TotalSeconds;
            Console.WriteLine($"batch-throughput: {items.Count} items (2D demo model, gradient and input×gradient), {workers} worker processes on {Environment.ProcessorCount} cores");
            Console.WriteLine($"  one worker alone, warm: {single:0.0} items/s; {workers} workers: {rate:0.0} items/s (process start and model load included)");
            Console.WriteLine($"  ratio to the ideal ({workers} × one worker): {rate / (workers * single):0.00}");
            if (killEverySeconds > 0)
            {
                double wall = clock.Elapsed.TotalSeconds;
                double working = firstItem.Sum(w => (ended.TryGetValue(w.Key, out double end) ? end : wall) - w.Value);
                Console.WriteLine($"  {kills} workers killed (one every {killEverySeconds} s) and replaced; wall time / ideal wall time of {workers} workers that never die: {workers * single / rate:0.00}; the last 1% of the items took {wall - nearlyDone:0.0} s of {wall:0.0} s");
                Console.WriteLine($"  workers up and working {working / wall:0.00} on average (from a worker's first item done to its death); wall time / ideal wall time of the surviving workers ({items.Count} / ({working / wall:0.00} × one worker's rate)): {wall * (working / wall) * single / items.Count:0.00}");
            }
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Writes <paramref name="scans"/> seeded variants of a demo slice (noise added) into <paramref name="data"/>.</summary>
    internal static string WriteVariants(string data, int scans)
    {
        Directory.CreateDirectory(data);
        MedicalImage slice = MedicalImageReader.Read(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(DemoModels.Path("brain-lesion-2d")))!, "scans", "2d", "slice-02-tumour.nii.gz"));
        for (int n = 0; n < scans; n++)
        {
            var random = new Random(n);
            NiftiWriter.Write(Path.Combine(data, $"scan-{n:00000}.nii.gz"), slice.WithVoxels([.. slice.Voxels.Select(v => v + (float)(random.NextDouble() * 5))]));
        }

        return data;
    }

    /// <summary>The worker mode of this program: what <c>medexplain batch worker</c> runs; it prints one line when its
    /// first item is done.</summary>
    public static int Work(string folder, string name)
    {
        bool first = true;
        void Log(string line)
        {
            if (first)
            {
                first = false;
                Console.Out.WriteLine(FirstItem);
                Console.Out.Flush();
            }
        }

        return BatchWorker.Run(() => BatchLedger.Open(folder), $"{Environment.MachineName}:{Environment.ProcessId}:{name}", TimeProvider.System, Log) >= 0 ? 0 : 1;
    }

    private const string FirstItem = "first item done";

    /// <summary>Starts a worker process; <paramref name="onFirstItem"/> gets its process id when it has done its first item.</summary>
    internal static Process StartWorker(string folder, string name, Action<int>? onFirstItem = null)
    {
        string host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = onFirstItem is not null };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (string argument in new[] { "batch-worker", folder, name })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start)!;
        if (onFirstItem is not null)
        {
            int id = process.Id;
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data == FirstItem)
                {
                    onFirstItem(id);
                }
            };
            process.BeginOutputReadLine();
        }

        return process;
    }
}
