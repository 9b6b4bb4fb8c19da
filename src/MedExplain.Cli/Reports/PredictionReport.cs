using MedExplain.Prediction;

namespace MedExplain.Cli.Reports;

/// <summary>The JSON shape of <c>medexplain predict --json</c>.</summary>
internal sealed record PredictionReport(
    string Model,
    string Input,
    IReadOnlyList<string> ClassNames,
    int BatchSize,
    int Runs,
    long MemoryBudgetBytes,
    long EstimatedBytesPerItem,
    IReadOnlyList<PredictionReport.Item> Items)
{
    public static PredictionReport Of(string model, string input, PredictionResult result) => new(
        model,
        input,
        result.ClassNames,
        result.Plan.BatchSize,
        result.Runs,
        result.Plan.MemoryBudgetBytes,
        result.Plan.BytesPerItem,
        [.. result.Items.Select(i => new Item(i.Item, i.ClassIndex, i.ClassName, i.Confidence, i.Logits, i.Probabilities, i.Warning))]);

    internal sealed record Item(int Index, int PredictedClass, string PredictedName, float Confidence, float[] Logits, float[] Probabilities, string? Warning);
}
