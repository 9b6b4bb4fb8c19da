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
    public float[] Evaluate(
        int[] itemShape,
        int count,
        Action<int, Span<float>> fill,
        Func<ReadOnlySpan<float>, float> score,
        IProgress<BatchProgress>? progress,
        CancellationToken cancellationToken)
    {
        int itemSize = (int)FloatTensor.ElementCount(itemShape);
        BatchPlan plan = Plan(itemShape, count);
        int batch = plan.BatchSize;
        var input = new FloatTensor([batch, .. itemShape]);
        var scores = new float[count];
        BatchRunner.Stream(count, plan, (start, n) =>
        {
            for (int k = 0; k < n; k++)
            {
                fill(start + k, input.Data.AsSpan(k * itemSize, itemSize));
            }

            // A model with a free batch axis runs the short last batch as it is; a fixed one gets padding.
            FloatTensor run = n == batch || model.FixedBatchSize is not null ? input : input.Slice(0, n);
            FloatTensor output = model.Run(run, [_output])[0];
            for (int k = 0; k < n; k++)
            {
                scores[start + k] = score(output.Item(k));
            }
        }, progress, cancellationToken);
        return scores;
    }

    /// <summary>The batch plan: activation memory per item from a shape probe, plus the input itself.</summary>
    public BatchPlan Plan(int[] itemShape, int count)
    {
        int probeBatch = model.FixedBatchSize ?? 1;
        ProbedShapes probe = model.ProbeShapes([probeBatch, .. itemShape]);
        long perItem = (probe.ActivationBytes / probeBatch) + (FloatTensor.ElementCount(itemShape) * sizeof(float));
        return BatchPlan.For(count, perItem, MemoryBudget.ForNextCall(options.MaxMemoryBytes), model.FixedBatchSize);
    }
}
