namespace MedExplain.Prediction;

/// <summary>Options for <see cref="Predictor"/>.</summary>
public sealed class PredictorOptions
{
    /// <summary>The default memory budget: 1 GiB.</summary>
    public const long DefaultMemoryBudgetBytes = 1L << 30;

    /// <summary>Gets the memory a single runtime call may use for activations.</summary>
    /// <value>The default is 1 GiB.</value>
    public long MaxMemoryBytes { get; init; } = DefaultMemoryBudgetBytes;
}
