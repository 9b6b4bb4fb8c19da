using MedExplain.Batching;

namespace MedExplain.Prediction;

/// <summary>The predictions for a batch, with how the work was cut into runtime calls.</summary>
/// <param name="Items">One prediction per input, in input order.</param>
/// <param name="ClassNames">The class names, in output order.</param>
/// <param name="Plan">The batch plan used.</param>
/// <param name="Runs">How many runtime calls were made.</param>
public sealed record PredictionResult(IReadOnlyList<ClassPrediction> Items, IReadOnlyList<string> ClassNames, BatchPlan Plan, int Runs);
