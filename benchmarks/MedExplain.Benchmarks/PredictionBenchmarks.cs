using BenchmarkDotNet.Attributes;
using MedExplain.Onnx;
using MedExplain.Prediction;

namespace MedExplain.Benchmarks;

/// <summary>Batched prediction against its floor's opposite: the same items pushed through one call each.</summary>
[MemoryDiagnoser]
public class PredictionBenchmarks
{
    private OnnxModel _model = null!;
    private Predictor _predictor = null!;
    private FloatTensor _items = null!;
    private FloatTensor[] _singles = null!;

    [Params("brain-lesion-2d", "brain-lesion-3d")]
    public string Model { get; set; } = "brain-lesion-2d";

    [Params(16)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = OnnxModel.Load(DemoModels.Path(Model));
        _predictor = new Predictor(_model);
        var random = new Random(7);
        _items = new FloatTensor(_model.Card!.InputShape(Items));
        for (int i = 0; i < _items.Data.Length; i++)
        {
            _items.Data[i] = (float)random.NextDouble();
        }

        _singles = [.. Enumerable.Range(0, Items).Select(i => _items.Slice(i, 1))];
        _predictor.Predict(_items, "warm-up");
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    [Benchmark(Baseline = true, Description = "one call per item")]
    public int OneCallPerItem()
    {
        int classes = 0;
        foreach (FloatTensor single in _singles)
        {
            classes += _predictor.Predict(single, "single").Items[0].ClassIndex;
        }

        return classes;
    }

    [Benchmark(Description = "batched (budget-sized)")]
    public int Batched() => _predictor.Predict(_items, "batch").Items.Sum(i => i.ClassIndex);
}
