using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MedExplain.Methods;
using MedExplain.Methods.Perturbation;

namespace MedExplain.Benchmarks;

/// <summary>
/// Occlusion against its floor: the same number of forward passes on inputs prepared beforehand, at the best batch size
/// (goal ≤ 1.1×). Both candidates are measured: one pass at a time (the baseline row) and batches of the planned size;
/// their ratio is the speedup of batching on this machine. 2D: 224², window 16, stride 8 (729 windows); 3D: 64³,
/// window 8, stride 4 (3 375 windows).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PerturbationBenchmarks
{
    private readonly AttributionOptions _options = new() { MaxMemoryBytes = 16L << 30 };
    private ModelVariant _variant = null!;
    private FloatTensor _input = null!;
    private FloatTensor _batch = null!;
    private FloatTensor _single = null!;
    private int _passes;
    private int _runs;

    [Params("2d-224", "3d-64")]
    public string Model { get; set; } = "2d-224";

    private AttributionOptions Occlusion => Model == "3d-64"
        ? _options with { Window = [8], Stride = [4] }
        : _options with { Window = [16], Stride = [8] };

    [GlobalSetup]
    public void Setup()
    {
        _variant = ModelVariant.Load(Model);
        _input = _variant.RandomInput(seed: 5);
        int[] itemShape = _input.Shape[1..];
        _passes = new OcclusionWindows(itemShape[1..], Occlusion.Window, Occlusion.Stride).Count;
        int batch = new PerturbedScores(_variant.Model, _options).Plan(itemShape, _passes).BatchSize;
        _batch = FloatTensor.Concatenate([.. Enumerable.Repeat(_input, batch)]);
        _single = _input;
        _runs = (_passes + batch - 1) / batch;
        Method();
    }

    [GlobalCleanup]
    public void Cleanup() => _variant.Dispose();

    [BenchmarkCategory("occlusion"), Benchmark(Description = "same passes in planned batches")]
    public float Floor()
    {
        float sum = 0;
        for (int run = 0; run < _runs; run++)
        {
            sum += _variant.Model.Run(_batch, [_variant.Model.ScoreOutput.Name])[0].Data[0];
        }

        return sum;
    }

    [BenchmarkCategory("occlusion"), Benchmark(Description = "occlusion")]
    public float Method() => AttributionMethods.Get("occlusion").Attribute(_variant.Model, _input, ClassTarget.Class(1), Occlusion).Values.Data[0];

    [BenchmarkCategory("occlusion"), Benchmark(Baseline = true, Description = "same passes one at a time")]
    public float OneAtATime()
    {
        float sum = 0;
        for (int pass = 0; pass < _passes; pass++)
        {
            sum += _variant.Model.Run(_single, [_variant.Model.ScoreOutput.Name])[0].Data[0];
        }

        return sum;
    }
}
