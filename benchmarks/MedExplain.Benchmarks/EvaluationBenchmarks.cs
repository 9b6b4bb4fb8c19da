using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MedExplain.Methods;
using MedExplain.Methods.Perturbation;
using MedExplain.Metrics;

namespace MedExplain.Benchmarks;

/// <summary>
/// Deletion curves with 100 steps for a batch of 16 scans (1 616 forward passes) against their floor: the same passes
/// on inputs prepared beforehand, one at a time (the baseline row) and in planned batches; the better of the two is the
/// floor (goal ≤ 1.1×). 2D demo model at 128².
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class EvaluationBenchmarks
{
    private const int Scans = 16, Steps = 100;
    private readonly AttributionOptions _options = new() { MaxMemoryBytes = 16L << 30 };
    private ModelVariant _variant = null!;
    private CurveInput[] _items = null!;
    private FloatTensor _batch = null!;
    private int _passes;
    private int _runs;

    [GlobalSetup]
    public void Setup()
    {
        _variant = ModelVariant.Load("2d-128");
        _items = [.. Enumerable.Range(0, Scans).Select(s =>
        {
            FloatTensor x = _variant.RandomInput(seed: s);
            float[] map = _variant.RandomInput(seed: 100 + s).Data; // any ranking costs the same to follow
            return new CurveInput(x, map, new FloatTensor(x.Shape), s % 3);
        })];
        _passes = Scans * (Steps + 1);
        int batch = new PerturbedScores(_variant.Model, _options).Plan(_items[0].Input.Shape[1..], _passes).BatchSize;
        _batch = FloatTensor.Concatenate([.. Enumerable.Repeat(_items[0].Input, batch)]);
        _runs = (_passes + batch - 1) / batch;
        Method();
    }

    [GlobalCleanup]
    public void Cleanup() => _variant.Dispose();

    [BenchmarkCategory("deletion"), Benchmark(Description = "same passes in planned batches")]
    public float Floor()
    {
        float sum = 0;
        for (int run = 0; run < _runs; run++)
        {
            sum += _variant.Model.Run(_batch, [_variant.Model.ScoreOutput.Name])[0].Data[0];
        }

        return sum;
    }

    [BenchmarkCategory("deletion"), Benchmark(Description = "deletion curves, 16 scans × 101 points")]
    public double Method() => new Faithfulness(_variant.Model, _options).Curves(_items, Steps, CurveKind.Deletion)[0].Area;

    [BenchmarkCategory("deletion"), Benchmark(Baseline = true, Description = "same passes one at a time")]
    public float OneAtATime()
    {
        float sum = 0;
        for (int pass = 0; pass < _passes; pass++)
        {
            sum += _variant.Model.Run(_items[pass % Scans].Input, [_variant.Model.ScoreOutput.Name])[0].Data[0];
        }

        return sum;
    }
}
