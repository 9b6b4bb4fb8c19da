namespace MedExplain.Batching;

/// <summary>Turns a budget for the whole process (what <c>--max-memory</c> promises) into the memory one runtime call
/// may use for activations: the budget less what the process already holds, less a reserve for the runtime's own
/// bookkeeping.</summary>
public static class MemoryBudget
{
    /// <summary>Memory kept aside for the runtime's arenas and session state beyond the activations: 128 MiB.</summary>
    public const long Reserve = 128L << 20;

    /// <summary>The bytes left for one call's activations under <paramref name="processBudgetBytes"/> (at least 1).</summary>
    /// <param name="processBudgetBytes">The budget for the whole process.</param>
    public static long ForNextCall(long processBudgetBytes) => Math.Max(1, processBudgetBytes - Environment.WorkingSet - Reserve);
}
