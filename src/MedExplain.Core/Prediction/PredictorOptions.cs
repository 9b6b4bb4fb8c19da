namespace MedExplain.Prediction;

/// <summary>Options for <see cref="Predictor"/>.</summary>
public sealed class PredictorOptions
{
    /// <summary>The default memory budget: 1 GiB.</summary>
    public const long DefaultMemoryBudgetBytes = 1L << 30;

    /// <summary>Gets the memory the whole process may hold; batches are sized to what is left of it.</summary>
    /// <value>The default is 1 GiB.</value>
    public long MaxMemoryBytes { get; init; } = DefaultMemoryBudgetBytes;
}
