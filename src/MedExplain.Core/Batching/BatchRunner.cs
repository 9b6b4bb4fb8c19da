namespace MedExplain.Batching;

/// <summary>Pushes many items through a runtime call in batches cut by a <see cref="BatchPlan"/>, and joins the results.</summary>
/// <remarks>Every multi-pass job (predictions, path points, noise samples, baseline draws) goes through here,
/// so batch sizing, padding for fixed-batch models and progress reporting live in one place.</remarks>
public static class BatchRunner
{
    /// <summary>Runs <paramref name="runBatch"/> on consecutive slices of <paramref name="items"/> and concatenates each output.</summary>
    /// <param name="items">All items, stacked on the first dimension.</param>
    /// <param name="plan">The batch plan.</param>
    /// <param name="runBatch">One runtime call: a batch in, one tensor per output out, each with the batch first.</param>
    /// <param name="progress">Receives progress after each call.</param>
    /// <param name="cancellationToken">Stops between calls.</param>
    public static FloatTensor[] Run(
        FloatTensor items,
        BatchPlan plan,
        Func<FloatTensor, FloatTensor[]> runBatch,
        IProgress<BatchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(runBatch);
        List<FloatTensor[]> parts = [];
        Stream(items.BatchSize, plan, (start, count) =>
        {
            FloatTensor batch = items.Slice(start, count);
            if (plan.FixedByModel && count < plan.BatchSize)
            {
                batch = FloatTensor.Concatenate([batch, new FloatTensor([plan.BatchSize - count, .. items.Shape[1..]])]);
            }

            parts.Add([.. runBatch(batch).Select(o => o.BatchSize == count ? o : o.Slice(0, count))]);
        }, progress, cancellationToken);
        return [.. Enumerable.Range(0, parts[0].Length).Select(o => FloatTensor.Concatenate([.. parts.Select(p => p[o])]))];
    }

    /// <summary>Calls <paramref name="runBatch"/> with (start, count) for consecutive slices of <paramref name="total"/>
    /// virtual items, for jobs that build their items on the fly (path points, noise samples) so that memory stays
    /// bounded by one batch whatever the total.</summary>
    /// <param name="total">The number of items.</param>
    /// <param name="plan">The batch plan.</param>
    /// <param name="runBatch">Builds, runs and consumes items [start, start + count).</param>
    /// <param name="progress">Receives progress after each call.</param>
    /// <param name="cancellationToken">Stops between calls.</param>
    public static void Stream(
        int total,
        BatchPlan plan,
        Action<int, int> runBatch,
        IProgress<BatchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(runBatch);
        int runs = 0;
        for (int start = 0; start < total; start += plan.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(plan.BatchSize, total - start);
            runBatch(start, count);
            runs++;
            progress?.Report(new BatchProgress(start + count, total, runs));
        }
    }
}
