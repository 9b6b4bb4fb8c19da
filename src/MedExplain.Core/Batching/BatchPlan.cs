namespace MedExplain.Batching;

/// <summary>How a job of many items is cut into runtime calls.</summary>
/// <param name="BatchSize">Items per call.</param>
/// <param name="BytesPerItem">The estimated memory one item needs during a call.</param>
/// <param name="MemoryBudgetBytes">The memory the batch size was chosen to fit (what the process budget left).</param>
/// <param name="FixedByModel">True when the model's input forces the batch size.</param>
public sealed record BatchPlan(int BatchSize, long BytesPerItem, long MemoryBudgetBytes, bool FixedByModel)
{
    /// <summary>Gets the number of calls needed for <paramref name="items"/> items.</summary>
    /// <param name="items">The number of items.</param>
    public int RunsFor(int items) => (items + BatchSize - 1) / BatchSize;

    /// <summary>Chooses the largest batch that fits the budget (at least 1, at most the job), unless the model fixes it.</summary>
    /// <param name="items">Items in the job.</param>
    /// <param name="bytesPerItem">Estimated memory per item, greater than 0.</param>
    /// <param name="memoryBudgetBytes">The memory budget, greater than 0.</param>
    /// <param name="fixedBatchSize">The batch size the model's input forces, or null.</param>
    public static BatchPlan For(int items, long bytesPerItem, long memoryBudgetBytes, int? fixedBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(items);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerItem);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(memoryBudgetBytes);
        if (fixedBatchSize is int fixedSize)
        {
            return new BatchPlan(fixedSize, bytesPerItem, memoryBudgetBytes, true);
        }

        long fits = Math.Max(1, memoryBudgetBytes / bytesPerItem);
        return new BatchPlan((int)Math.Min(items, fits), bytesPerItem, memoryBudgetBytes, false);
    }
}
