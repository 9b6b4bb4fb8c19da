using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MedExplain.Methods;

namespace MedExplain.Benchmarks;

/// <summary>
/// LRP composites against the plain gradient of the same model and batch (goal ≤ 1.5×), and DeepSHAP with K background
/// references against K separate DeepLIFT runs with one reference each (goal ≤ 1.2×), measured in the same run.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PropagationBenchmarks
{
    private const int Items = 4;
    private const int References = 8;
    private readonly AttributionOptions _options = new() { MaxMemoryBytes = 16L << 30 };
    private ModelVariant _variant = null!;
    private FloatTensor _input = null!;
    private FloatTensor _background = null!;
    private FloatTensor[] _singleReferences = null!;

    [Params("2d-128", "3d-64")]
    public string Model { get; set; } = "2d-128";

    [GlobalSetup]
    public void Setup()
    {
        _variant = ModelVariant.Load(Model);
        _input = FloatTensor.Concatenate([.. Enumerable.Range(0, Items).Select(i => _variant.RandomInput(seed: 10 + i))]);
        _background = FloatTensor.Concatenate([.. Enumerable.Range(0, References).Select(i => _variant.RandomInput(seed: 100 + i))]);
        _singleReferences = [.. Enumerable.Range(0, References).Select(r => FloatTensor.Concatenate([.. Enumerable.Repeat(_background.Slice(r, 1), Items)]))];

        // Compile every graph once so the measurements see cached sessions.
        Gradient();
        LrpEpsilonPlus();
        LrpAlphaBeta();
        LrpGammaBox();
        DeepShap();
        DeepLiftPerReference();
    }

    [GlobalCleanup]
    public void Cleanup() => _variant.Dispose();

    [BenchmarkCategory("lrp vs gradient"), Benchmark(Baseline = true, Description = "gradient")]
    public float Gradient() => Attribute("gradient", _options);

    [BenchmarkCategory("lrp vs gradient"), Benchmark(Description = "lrp epsilon-plus")]
    public float LrpEpsilonPlus() => Attribute("lrp", _options with { Composite = "epsilon-plus" });

    [BenchmarkCategory("lrp vs gradient"), Benchmark(Description = "lrp epsilon-alpha2-beta1")]
    public float LrpAlphaBeta() => Attribute("lrp", _options with { Composite = "epsilon-alpha2-beta1" });

    [BenchmarkCategory("lrp vs gradient"), Benchmark(Description = "lrp epsilon-gamma-box")]
    public float LrpGammaBox() => Attribute("lrp", _options with { Composite = "epsilon-gamma-box" });

    [BenchmarkCategory("deepshap vs K deeplift"), Benchmark(Baseline = true, Description = "8 deeplift runs")]
    public float DeepLiftPerReference()
    {
        float sum = 0;
        foreach (FloatTensor reference in _singleReferences)
        {
            sum += Attribute("deeplift", _options with { Baseline = BaselineKind.Array, BaselineArray = reference });
        }

        return sum;
    }

    [BenchmarkCategory("deepshap vs K deeplift"), Benchmark(Description = "deepshap, 8 references")]
    public float DeepShap() => Attribute("deepshap", _options with { Background = _background });

    private float Attribute(string method, AttributionOptions options) =>
        AttributionMethods.Get(method).Attribute(_variant.Model, _input, ClassTarget.Class(1), options).Values.Data[0];
}
