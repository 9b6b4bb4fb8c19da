using MedExplain.Batching;
using MedExplain.Onnx;

namespace MedExplain.Methods.Perturbation;

/// <summary>
/// Scores many perturbed copies of one input through the shared batch runner: batches sized by the memory budget, one
/// input buffer reused, progress after every call. The perturbation methods differ only in what they fill in.
/// </summary>
/// <param name="model">The model.</param>
/// <param name="options">The memory budget and the output to read.</param>
internal sealed class PerturbedScores(OnnxModel model, AttributionOptions options)
{
    private readonly string _output = options.OutputName ?? model.ScoreOutput.Name;

    /// <summary>Runs <paramref name="count"/> perturbed inputs; <paramref name="fill"/> writes copy k, <paramref name="score"/> turns its output into the explained number.</summary>
    /// <remarks>
    /// Whether batching pays depends on the machine: on a GPU it does, on a small CPU one pass at a time can be faster
    /// (ONNX Runtime already spreads a pass over the cores). So the first copies are run both ways, timed, and the rest
    /// use the faster batch size. Nothing is wasted: those copies are real ones.
    /// </remarks>
    public float[] Evaluate(
        int[] itemShape,
        int count,
        Action<int, Span<float>> fill,
        Func<ReadOnlySpan<float>, float> score,
        IProgress<BatchProgress>? progress,
        CancellationToken cancellationToken) =>
        Evaluate(itemShape, count, fill, (_, output) => score(output), progress, cancellationToken);

    /// <summary>As above, where the number read from copy k's output depends on k (copies of several scans, each
    /// explaining its own class).</summary>
    public float[] Evaluate(
        int[] itemShape,
        int count,
        Action<int, Span<float>> fill,
        Func<int, ReadOnlySpan<float>, float> score,
        IProgress<BatchProgress>? progress,
        CancellationToken cancellationToken) =>
        Evaluate(itemShape, count, (k, _, destination) => fill(k, destination), score, progress, cancellationToken);

    /// <summary>As above, where <paramref name="fill"/> also learns which copy its buffer slot held before (−1 for none),
    /// so a copy that differs little from that one can be written as a change (deletion curves: one step's voxels).</summary>
    public float[] Evaluate(
        int[] itemShape,
        int count,
        Action<int, int, Span<float>> fill,
        Func<int, ReadOnlySpan<float>, float> score,
        IProgress<BatchProgress>? progress,
        CancellationToken cancellationToken)
    {
        int itemSize = (int)FloatTensor.ElementCount(itemShape);
        BatchPlan plan = Plan(itemShape, count);
        // One buffer per batch size in use, so no call copies its input.
        var buffers = new Dictionary<int, FloatTensor>();
        var held = new Dictionary<int, int[]>(); // which copy each buffer slot holds
        var scores = new float[count];
        int done = 0, runs = 0;

        // Runs copies [start, start + n) as one call and returns the seconds per copy.
        double Run(int start, int n)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = System.Diagnostics.Stopwatch.StartNew();

            // A model with a free batch axis runs a short batch as it is; a fixed one gets padding.
            int size = model.FixedBatchSize ?? n;
            if (!buffers.TryGetValue(size, out FloatTensor? input))
            {
                buffers[size] = input = new FloatTensor([size, .. itemShape]);
                held[size] = [.. Enumerable.Repeat(-1, size)];
            }

            for (int k = 0; k < n; k++)
            {
                fill(start + k, held[size][k], input.Data.AsSpan(k * itemSize, itemSize));
                held[size][k] = start + k;
            }

            FloatTensor output = model.Run(input, [_output])[0];
            for (int k = 0; k < n; k++)
            {
                scores[start + k] = score(start + k, output.Item(k));
            }

            runs++;
            progress?.Report(new BatchProgress(start + n, count, runs));
            return clock.Elapsed.TotalSeconds / n;
        }

        int batch = plan.BatchSize;
        if (!plan.FixedByModel && batch > 1 && count >= 2 + (2 * batch))
        {
            // Each size runs twice and the second, warm call is timed.
            Run(0, 1);
            double single = Run(1, 1);
            Run(2, batch);
            double batched = Run(2 + batch, batch);
            done = 2 + (2 * batch);
            batch = single <= batched ? 1 : batch;
        }

        // The rest through the shared runner (it checks cancellation between calls; Run reports the progress).
        int first = done;
        BatchRunner.Stream(count - first, plan with { BatchSize = batch }, (start, n) => Run(first + start, n), null, cancellationToken);
        return scores;
    }

    /// <summary>Forward passes per call at most: measured on the demo models (benchmarks' batch-sweep), CPU time per item
    /// stops falling by 16, and the hundreds of windows the memory budget would allow run up to 2.6× slower per item.</summary>
    public const int MaxBatch = 16;

    /// <summary>The batch plan: activation memory per item from a shape probe, plus the input itself; at most <see cref="MaxBatch"/>.</summary>
    public BatchPlan Plan(int[] itemShape, int count)
    {
        int probeBatch = model.FixedBatchSize ?? 1;
        ProbedShapes probe = model.ProbeShapes([probeBatch, .. itemShape]);
        long perItem = (probe.ActivationBytes / probeBatch) + (FloatTensor.ElementCount(itemShape) * sizeof(float));
        BatchPlan plan = MemoryBudget.Plan(count, perItem, options.MaxMemoryBytes, model.FixedBatchSize);
        return plan.FixedByModel ? plan : plan with { BatchSize = Math.Min(plan.BatchSize, MaxBatch) };
    }
}
