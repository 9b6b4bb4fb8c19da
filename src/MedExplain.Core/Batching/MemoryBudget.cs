namespace MedExplain.Batching;

/// <summary>Turns a budget for the whole process (what <c>--max-memory</c> promises) into the memory one runtime call
/// may use for activations: the budget less what the process already holds, less a reserve for the runtime's own
/// bookkeeping. A budget too small for even one item is not silently exceeded: the shortfall is told to whoever
/// <see cref="Watch">watches</see> the work.</summary>
public static class MemoryBudget
{
    /// <summary>Memory kept aside for the runtime's arenas and session state beyond the activations: 128 MiB.</summary>
    public const long Reserve = 128L << 20;

    private static readonly AsyncLocal<BudgetWatch?> Current = new();

    /// <summary>The bytes left for one call's activations under <paramref name="processBudgetBytes"/> (at least 1).</summary>
    /// <param name="processBudgetBytes">The budget for the whole process.</param>
    public static long ForNextCall(long processBudgetBytes) => Math.Max(1, processBudgetBytes - Environment.WorkingSet - Reserve);

    /// <summary>Plans the calls of a job under a process budget; when even the smallest batch does not fit, runs it anyway
    /// (one item per call, or the model's fixed batch) and tells the watch why the budget is exceeded.</summary>
    /// <param name="items">Items in the job.</param>
    /// <param name="bytesPerItem">Estimated memory per item during a call.</param>
    /// <param name="processBudgetBytes">The budget for the whole process.</param>
    /// <param name="fixedBatchSize">The batch size the model's input forces, or null.</param>
    public static BatchPlan Plan(int items, long bytesPerItem, long processBudgetBytes, int? fixedBatchSize)
    {
        long forCall = ForNextCall(processBudgetBytes);
        BatchPlan plan = BatchPlan.For(items, bytesPerItem, forCall, fixedBatchSize);
        if (plan.BatchSize * plan.BytesPerItem > forCall)
        {
            Current.Value?.Note(
                $"the memory budget of {MemoryLimit.Format(processBudgetBytes)} cannot be honoured: the process already holds " +
                $"{MemoryLimit.Format(Environment.WorkingSet)} and a call of {plan.BatchSize} item(s) needs about {MemoryLimit.Format(plan.BatchSize * plan.BytesPerItem)} more; " +
                "the work runs anyway at that size. Raise the memory budget, or use a smaller input.");
        }

        return plan;
    }

    /// <summary>Collects the budget shortfalls of the work done until the result is disposed (on this thread and the
    /// tasks it starts).</summary>
    public static BudgetWatch Watch()
    {
        var watch = new BudgetWatch(Current.Value);
        Current.Value = watch;
        return watch;
    }

    /// <summary>The first shortfall seen while it was current (later ones repeat it with another working set);
    /// disposing it restores the outer watch.</summary>
    public sealed class BudgetWatch : IDisposable
    {
        private readonly BudgetWatch? _outer;
        private string? _shortfall;

        internal BudgetWatch(BudgetWatch? outer) => _outer = outer;

        /// <summary>Gets why the budget was exceeded, or null when it never was.</summary>
        public string? Shortfall => Volatile.Read(ref _shortfall);

        /// <inheritdoc/>
        public void Dispose() => Current.Value = _outer;

        internal void Note(string message) => Interlocked.CompareExchange(ref _shortfall, message, null);
    }
}
