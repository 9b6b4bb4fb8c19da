using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(MedExplain.Benchmarks.PredictionBenchmarks).Assembly).Run(args);
