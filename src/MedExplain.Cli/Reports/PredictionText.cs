using MedExplain.Prediction;

namespace MedExplain.Cli.Reports;

/// <summary>Writes predictions for people: one line per item with every class's probability.</summary>
internal static class PredictionText
{
    /// <summary>A prediction's uncertainty measures as a sentence.</summary>
    public static string Uncertainty(MedExplain.Uncertainty.PredictiveUncertainty u, IReadOnlyList<string> classNames) =>
        FormattableString.Invariant($"mean {string.Join(", ", u.MeanProbabilities.Select((p, c) => FormattableString.Invariant($"{classNames[c]} {p * 100:0.0}%")))}; predictive entropy {u.PredictiveEntropy:0.000} nats, expected entropy {u.ExpectedEntropy:0.000}, mutual information {u.MutualInformation:0.000} (how much the {u.Samples} samples disagree)");

    public static void Write(TextWriter w, string input, PredictionResult result)
    {
        w.WriteLine($"{input}: {result.Items.Count} item(s) in {result.Runs} run(s) of up to {result.Plan.BatchSize} " +
                    $"({MemoryLimit.Format(result.Plan.MemoryBudgetBytes)} free for activations, about {MemoryLimit.Format(result.Plan.BytesPerItem)} per item)");
        foreach (ClassPrediction item in result.Items)
        {
            w.WriteLine($"  [{item.Item}] {Line(item, result.ClassNames)}");
            if (item.Warning is { } warning)
            {
                w.WriteLine($"      warning: {warning}");
            }
        }
    }

    /// <summary>"tumour 97.1%  (normal 1.2%, tumour 97.1%, infarct 1.7%)".</summary>
    public static string Line(ClassPrediction item, IReadOnlyList<string> classNames) =>
        $"{item.ClassName} {Percent(item.Confidence)}  ({string.Join(", ", classNames.Select((name, c) => $"{name} {Percent(item.Probabilities[c])}"))})";

    public static string Percent(double p) => $"{p * 100:0.0}%";
}
