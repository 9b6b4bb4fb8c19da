namespace MedExplain.Methods;

/// <summary>A figure a method reports about its own map, per item: a typed key into <see cref="Attribution.Diagnostics"/>.</summary>
/// <param name="Name">The stable camelCase name used in JSON and reports.</param>
/// <param name="Meaning">What the figure means, in one sentence.</param>
public sealed record Diagnostic(string Name, string Meaning)
{
    /// <summary>Gets Integrated Gradients' completeness gap: f(x) − f(baseline) − Σ map.</summary>
    public static Diagnostic CompletenessGap { get; } = new("completenessGap", "The score's rise from the baseline minus the sum of the map: near 0 when the path integral converged.");

    /// <summary>Gets DeepLIFT's summation-to-delta gap: f(x) − f(reference) − Σ map.</summary>
    public static Diagnostic SummationToDeltaGap { get; } = new("summationToDeltaGap", "The score's difference from the reference minus the sum of the map: 0 for DeepLIFT's exact rules.");

    /// <summary>Gets LRP's relevance gap: Σ map − the target score.</summary>
    public static Diagnostic RelevanceGap { get; } = new("relevanceSumMinusScore", "The relevance reaching the input minus the score it started from: 0 when the rules conserve relevance.");

    /// <summary>Gets how many windows occlusion scored.</summary>
    public static Diagnostic Windows { get; } = new("windows", "How many occlusion windows were scored.");

    /// <summary>Gets how many random masks RISE scored.</summary>
    public static Diagnostic Masks { get; } = new("masks", "How many random masks were scored.");

    /// <summary>Gets how many coalitions KernelSHAP fitted (beyond the empty and full ones).</summary>
    public static Diagnostic Coalitions { get; } = new("coalitions", "How many coalitions the Shapley values were fitted to.");

    /// <summary>Gets how many orderings Shapley sampling averaged.</summary>
    public static Diagnostic Orderings { get; } = new("orderings", "How many orderings of the regions were averaged.");

    /// <summary>Gets LIME's weighted R² of its local linear model.</summary>
    public static Diagnostic FitR2 { get; } = new("fitR2", "The weighted R² of the local linear model: how well it reproduces the model's scores.");

    /// <summary>Gets LIME's intercept: the linear model's score with every region removed.</summary>
    public static Diagnostic Intercept { get; } = new("intercept", "The local linear model's score with every region removed.");
}
