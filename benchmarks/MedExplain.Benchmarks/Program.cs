using MedExplain;
using BenchmarkDotNet.Running;
using MedExplain.Benchmarks;

if (args is ["peak-memory", ..])
{
    long budget = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) << 20 : 2L << 30;
    return PeakMemory.Run(budget);
}

if (args is ["concepts-memory", ..])
{
    long budget = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) << 20 : 1L << 30;
    return ConceptsMemory.Run(budget, args.Length > 2 ? args[2] : ConceptsMemory.DefaultLayer);
}

if (args is ["mc-dropout", ..])
{
    return McDropoutTiming.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
}

if (args is ["case-index", ..])
{
    return CaseIndexTiming.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000);
}

if (args is ["batch-evaluate", ..])
{
    return BatchEvaluation.Run(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount);
}

if (args is ["batch-throughput", ..])
{
    return BatchThroughput.Run(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount,
        args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 0);
}

if (args is ["batch-worker", var batchFolder, var workerName])
{
    return BatchThroughput.Work(batchFolder, workerName);
}

if (args is ["study-load", ..])
{
    return StudyLoad.Run(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 300);
}

if (args is ["peer-timing", var folder, ..])
{
    return PeerTiming.Run(folder, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
}

if (args is ["batch-sweep", var variant, ..])
{
    // Forward time per item at several batch sizes: where batching stops paying on this machine.
    using ModelVariant model = ModelVariant.Load(variant);
    FloatTensor one = model.RandomInput(seed: 1);
    foreach (int size in new[] { 1, 2, 4, 8, 16, 32, 64 })
    {
        FloatTensor batch = FloatTensor.Concatenate([.. Enumerable.Repeat(one, size)]);
        model.Model.Run(batch, [model.Model.ScoreOutput.Name]);
        int repeats = Math.Max(2, 128 / size);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int r = 0; r < repeats; r++)
        {
            model.Model.Run(batch, [model.Model.ScoreOutput.Name]);
        }

        Console.WriteLine($"{variant} batch {size,3}: {clock.Elapsed.TotalMilliseconds / (repeats * size):0.000} ms per item");
    }

    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(PredictionBenchmarks).Assembly).Run(args);
return 0;
