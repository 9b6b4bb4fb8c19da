using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MedExplain.Methods;
using MedExplain.Methods.Gradient;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;

namespace MedExplain.Benchmarks;

/// <summary>Each method against its floor: the same number of forward+backward passes of the compiled graph at the
/// batch size the method's plan picks, with inputs and seeds prepared beforehand. Ratio = method / floor.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AttributionBenchmarks
{
    private const int IgSteps = 64;
    private const int SmoothGradSamples = 50;
    // A budget far above what these sizes need, so the method and its floor plan the same batch (all passes at once).
    private readonly AttributionOptions _options = new() { Steps = IgSteps, Samples = SmoothGradSamples, Integration = IntegrationKind.RiemannMiddle, MaxMemoryBytes = 16L << 30 };
    private ModelVariant _variant = null!;
    private FloatTensor _input = null!;
    private (BackwardSession Session, FloatTensor Input, FloatTensor Seed, string[] Outputs, int Runs) _floorIg;
    private (BackwardSession Session, FloatTensor Input, FloatTensor Seed, string[] Outputs, int Runs) _floorSg;
    private (BackwardSession Session, FloatTensor Input, FloatTensor Seed, string[] Outputs, int Runs) _floorOne;

    [Params("2d-128", "2d-224", "3d-64")]
    public string Model { get; set; } = "2d-128";

    [GlobalSetup]
    public void Setup()
    {
        _variant = ModelVariant.Load(Model);
        _input = _variant.RandomInput(seed: 3);

        // Run each method once first: compiled graphs get cached and the process reaches the memory the methods plan
        // their batches against, so the floors below use the batch sizes the methods use.
        Attribute("integrated-gradients");
        Attribute("smoothgrad");
        Attribute("grad-cam");
        _floorIg = Floor(IgSteps, null);
        _floorSg = Floor(SmoothGradSamples, null, noise: 0.15f);
        _floorOne = Floor(1, _variant.Model.Card!.CamLayer);
    }

    [GlobalCleanup]
    public void Cleanup() => _variant.Dispose();

    [BenchmarkCategory("integrated-gradients (64 steps)"), Benchmark(Baseline = true, Description = "floor")]
    public float FloorIntegratedGradients() => RunFloor(_floorIg);

    [BenchmarkCategory("integrated-gradients (64 steps)"), Benchmark(Description = "method")]
    public float IntegratedGradients() => Attribute("integrated-gradients");

    [BenchmarkCategory("smoothgrad (50 samples)"), Benchmark(Baseline = true, Description = "floor")]
    public float FloorSmoothGrad() => RunFloor(_floorSg);

    [BenchmarkCategory("smoothgrad (50 samples)"), Benchmark(Description = "method")]
    public float SmoothGrad() => Attribute("smoothgrad");

    [BenchmarkCategory("grad-cam"), Benchmark(Baseline = true, Description = "floor")]
    public float FloorGradCam() => RunFloor(_floorOne);

    [BenchmarkCategory("grad-cam"), Benchmark(Description = "method")]
    public float GradCam() => Attribute("grad-cam");

    private float Attribute(string method) =>
        AttributionMethods.Get(method).Attribute(_variant.Model, _input, ClassTarget.Class(1), _options).Values.Data[0];

    private static float RunFloor((BackwardSession Session, FloatTensor Input, FloatTensor Seed, string[] Outputs, int Runs) floor)
    {
        float sum = 0;
        for (int run = 0; run < floor.Runs; run++)
        {
            sum += floor.Session.Run(floor.Input, floor.Seed, floor.Outputs)[0].Data[0];
        }

        return sum;
    }

    /// <summary>The floor's batch: the input repeated (with noise like SmoothGrad's copies when <paramref name="noise"/> is
    /// set, since the runtime's passes may not cost the same on noisy inputs), its seeds, and the number of runs.</summary>
    private (BackwardSession, FloatTensor, FloatTensor, string[], int) Floor(int passes, string? layer, float noise = 0)
    {
        OnnxModel model = _variant.Model;
        int[] itemShape = _input.Shape[1..];
        int batch = new GradientPass(model, RuleSet.Gradient, _options).Plan(itemShape, passes).BatchSize;
        string signalOf = layer ?? model.ImageInput.Name;
        BackwardSession session = model.Backward([batch, .. itemShape], new BackwardRequest(model.ScoreOutput.Name, RuleSet.Gradient, [signalOf], layer is null ? [] : [layer]));
        FloatTensor input = FloatTensor.Concatenate([.. Enumerable.Repeat(_input, batch)]);
        var random = new Random(17);
        float range = _input.Data.Max() - _input.Data.Min();
        for (int i = 0; i < input.Data.Length && noise > 0; i++)
        {
            input.Data[i] += noise * range * (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        var seed = new FloatTensor(session.Graph.SeedShape);
        for (int i = 0; i < batch; i++)
        {
            seed.Data[(i * seed.ItemSize) + 1] = 1;
        }

        string[] outputs = layer is null ? [session.Graph.SignalOutputs[signalOf], model.ScoreOutput.Name] : [session.Graph.SignalOutputs[signalOf], model.ScoreOutput.Name, layer];
        return (session, input, seed, outputs, (passes + batch - 1) / batch);
    }
}
