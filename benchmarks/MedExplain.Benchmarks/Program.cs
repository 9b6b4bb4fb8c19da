using BenchmarkDotNet.Running;
using MedExplain.Benchmarks;

if (args is ["peak-memory", ..])
{
    long budget = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) << 20 : 2L << 30;
    return PeakMemory.Run(budget);
}

BenchmarkSwitcher.FromAssembly(typeof(PredictionBenchmarks).Assembly).Run(args);
return 0;
