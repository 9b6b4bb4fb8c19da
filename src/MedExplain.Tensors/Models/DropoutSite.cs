namespace MedExplain.Models;

/// <summary>Where a model card asks MC dropout to drop values: a tensor (often the pooled features before the classifier
/// head, where the network was trained with dropout that an eval-mode export removed) and the probability.</summary>
/// <param name="At">The tensor.</param>
/// <param name="Rate">The dropout probability, from 0 to below 1.</param>
public sealed record DropoutSite(string At, double Rate);
