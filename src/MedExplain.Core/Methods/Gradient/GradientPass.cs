using MedExplain.Batching;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;

namespace MedExplain.Methods.Gradient;

/// <summary>Backward passes for many virtual items (path points, noisy copies) through one compiled graph, built and
/// consumed one batch at a time so memory stays within the budget whatever the number of items.</summary>
/// <param name="model">The model.</param>
/// <param name="rules">The backward rules.</param>
/// <param name="options">The budget and the target output.</param>
internal sealed class GradientPass(OnnxModel model, RuleSet rules, AttributionOptions options)
{
    private readonly string _output = options.OutputName ?? model.ScoreOutput.Name;

    /// <summary>A backward pass holds the forward activations, signals of the same size, and scratch such as MaxPool's
    /// flattened scatter buffers: measured at about 3.7 times the forward activations on the 3D demo model at 128³.</summary>
    private const int BackwardMemoryFactor = 4;

    /// <summary>Runs <paramref name="total"/> items: <paramref name="fill"/> writes item k's input, <paramref name="seedOf"/>
    /// its seed on the target output, <paramref name="consume"/> receives its input signal and Σ seed ⊙ output.</summary>
    public void Run(
        int[] itemShape,
        int total,
        Action<int, Span<float>> fill,
        Action<int, Span<float>> seedOf,
        Action<int, ReadOnlySpan<float>, float> consume,
        IProgress<BatchProgress>? progress,
        CancellationToken cancellationToken) =>
        Run(itemShape, total, null, fill, seedOf, (item, signal, _, score) => consume(item, signal, score), progress, cancellationToken);

    /// <summary>As the first overload, for rule sets that compare with a reference: <paramref name="referenceOf"/> writes item k's reference.</summary>
    public void Run(
        int[] itemShape,
        int total,
        Action<int, Span<float>> fill,
        Action<int, Span<float>> referenceOf,
        Action<int, Span<float>> seedOf,
        Action<int, ReadOnlySpan<float>, float> consume,
        IProgress<BatchProgress>? progress,
        CancellationToken cancellationToken) =>
        Run(itemShape, total, null, fill, seedOf, (item, signal, _, score) => consume(item, signal, score), progress, cancellationToken, referenceOf);

    /// <summary>As the overload without <paramref name="layer"/>, but the signal is taken at an inner activation
    /// (null: the input), whose forward value <paramref name="consume"/> receives too (empty for the input).</summary>
    public void Run(
        int[] itemShape,
        int total,
        string? layer,
        Action<int, Span<float>> fill,
        Action<int, Span<float>> seedOf,
        LayerConsumer consume,
        IProgress<BatchProgress>? progress,
        CancellationToken cancellationToken,
        Action<int, Span<float>>? referenceOf = null)
    {
        string signalOf = layer ?? model.ImageInput.Name;
        Stream(itemShape, total, [signalOf], layer is null ? [] : [layer], fill, seedOf, referenceOf, (item, slot, results, score) =>
            consume(item, results[0].Item(slot), layer is null ? [] : results[1].Item(slot), score), progress, cancellationToken);
    }

    /// <summary>Backward signals at several inner activations at once (every attention block's), each item's signal and
    /// forward value per layer handed to <paramref name="consume"/> as flat arrays. Layers whose first axis folds
    /// another into the batch (heads, as (N·H, T, T)) are split evenly per item.</summary>
    public void RunAt(
        int[] itemShape,
        int total,
        IReadOnlyList<string> layers,
        Action<int, Span<float>> fill,
        Action<int, Span<float>> seedOf,
        Action<int, float[][], float[][], float> consume,
        IProgress<BatchProgress>? progress,
        CancellationToken cancellationToken)
    {
        Stream(itemShape, total, layers, layers, fill, seedOf, null, (item, slot, results, score) =>
        {
            int batch = results[^1].Shape[0];
            float[][] PerItem(int offset) => [.. layers.Select((_, l) => PerItemSlice(results[offset + l], batch, slot))];
            consume(item, PerItem(0), PerItem(layers.Count), score);
        }, progress, cancellationToken);
    }

    private static float[] PerItemSlice(FloatTensor values, int batch, int slot)
    {
        int length = values.Data.Length / batch;
        return values.Data.AsSpan(slot * length, length).ToArray();
    }

    private void Stream(
        int[] itemShape,
        int total,
        IReadOnlyList<string> signalsFor,
        IReadOnlyList<string> activations,
        Action<int, Span<float>> fill,
        Action<int, Span<float>> seedOf,
        Action<int, Span<float>>? referenceOf,
        Action<int, int, FloatTensor[], float> consume,
        IProgress<BatchProgress>? progress,
        CancellationToken cancellationToken)
    {
        BatchPlan plan = Plan(itemShape, total);
        int batch = plan.BatchSize;
        BackwardSession session = model.Backward([batch, .. itemShape], new BackwardRequest(_output, rules, signalsFor, activations));
        int itemSize = (int)FloatTensor.ElementCount(itemShape);
        var input = new FloatTensor([batch, .. itemShape]);
        FloatTensor? reference = referenceOf is null ? null : new FloatTensor([batch, .. itemShape]);
        var seed = new FloatTensor(session.Graph.SeedShape);
        int seedSize = seed.ItemSize;
        string[] outputs = [.. signalsFor.Select(s => session.Graph.SignalOutputs[s]), .. activations, _output];
        BatchRunner.Stream(total, plan, (start, count) =>
        {
            // Every slot up to count is overwritten below; only the padding of a short last batch needs zeros.
            Array.Clear(input.Data, count * itemSize, input.Data.Length - (count * itemSize));
            Array.Clear(seed.Data);
            for (int k = 0; k < count; k++)
            {
                fill(start + k, input.Data.AsSpan(k * itemSize, itemSize));
                referenceOf?.Invoke(start + k, reference!.Data.AsSpan(k * itemSize, itemSize));
                seedOf(start + k, seed.Data.AsSpan(k * seedSize, seedSize));
            }

            FloatTensor[] results = session.Run(input, seed, outputs, reference);
            for (int k = 0; k < count; k++)
            {
                consume(start + k, k, results, Dot(seed.Item(k), results[^1].Item(k)));
            }
        }, progress, cancellationToken);
    }

    private static float Dot(ReadOnlySpan<float> seed, ReadOnlySpan<float> values)
    {
        double sum = 0;
        for (int i = 0; i < seed.Length; i++)
        {
            sum += seed[i] * (double)values[i];
        }

        return (float)sum;
    }

    /// <summary>Receives one item's backward signal, the forward activation where it was taken, and the target score.</summary>
    public delegate void LayerConsumer(int item, ReadOnlySpan<float> signal, ReadOnlySpan<float> activation, float score);

    /// <summary>The batch plan for a number of items (internal for the benchmarks' floor).</summary>
    internal BatchPlan Plan(int[] itemShape, int total)
    {
        int fixedBatch = model.FixedBatchSize ?? 0;
        ProbedShapes probe = model.ProbeShapes([fixedBatch > 0 ? fixedBatch : 1, .. itemShape]);
        long perItem = (BackwardMemoryFactor * probe.ActivationBytes / Math.Max(1, fixedBatch)) + (FloatTensor.ElementCount(itemShape) * sizeof(float));
        return MemoryBudget.Plan(total, perItem, options.MaxMemoryBytes, model.FixedBatchSize);
    }
}
