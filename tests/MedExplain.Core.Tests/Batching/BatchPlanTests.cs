using MedExplain.Batching;

namespace MedExplain.Core.Tests.Batching;

public sealed class BatchPlanTests
{
    [Theory]
    [InlineData(100, 10, 35, 3, 34)]
    [InlineData(100, 10, 5, 1, 100)]
    [InlineData(4, 10, 1000, 4, 1)]
    public void For_Budget_TakesTheLargestBatchThatFits(int items, long perItem, long budget, int batch, int runs)
    {
        BatchPlan plan = BatchPlan.For(items, perItem, budget, fixedBatchSize: null);

        Assert.Equal(batch, plan.BatchSize);
        Assert.Equal(runs, plan.RunsFor(items));
        Assert.False(plan.FixedByModel);
    }

    [Fact]
    public void For_ModelFixesTheBatch_UsesItWhateverTheBudget()
    {
        BatchPlan plan = BatchPlan.For(7, 10, 1_000_000, fixedBatchSize: 2);

        Assert.Equal(2, plan.BatchSize);
        Assert.Equal(4, plan.RunsFor(7));
        Assert.True(plan.FixedByModel);
    }

    [Fact]
    public void Plan_BudgetBelowWhatTheProcessHolds_RunsOneItemAndTellsTheWatch()
    {
        using MemoryBudget.BudgetWatch watch = MemoryBudget.Watch();

        BatchPlan plan = MemoryBudget.Plan(10, bytesPerItem: 1 << 20, processBudgetBytes: 1 << 20, fixedBatchSize: null);

        Assert.Equal(1, plan.BatchSize);
        Assert.Contains("cannot be honoured", watch.Shortfall, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_AmpleBudget_LeavesTheWatchQuiet()
    {
        using MemoryBudget.BudgetWatch watch = MemoryBudget.Watch();

        BatchPlan plan = MemoryBudget.Plan(10, bytesPerItem: 1 << 20, processBudgetBytes: Environment.WorkingSet + (1L << 32), fixedBatchSize: null);

        Assert.Equal(10, plan.BatchSize);
        Assert.Null(watch.Shortfall);
    }
}
