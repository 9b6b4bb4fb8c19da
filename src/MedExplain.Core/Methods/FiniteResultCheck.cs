using MedExplain.Batching;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;

namespace MedExplain.Methods;

/// <summary>Wraps every registered method so that no map with NaN or ±Inf leaves it: compiled passes already name the
/// node where such a value appears; this catches the rest (perturbation methods fed non-finite model outputs, a
/// division in a method's own arithmetic).</summary>
/// <param name="inner">The method.</param>
internal sealed class FiniteResultCheck(IAttributionMethod inner) : IAttributionMethod
{
    public string Name => inner.Name;

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        Attribution attribution = inner.Attribute(model, inputs, target, options, progress, cancellationToken);
        if (!NonFiniteTrace.AllFinite(attribution.Values.Data))
        {
            int item = Enumerable.Range(0, attribution.Values.BatchSize).First(i => !NonFiniteTrace.AllFinite(attribution.Values.Item(i)));
            string cause = float.IsFinite(attribution.TargetScores[item])
                ? "."
                : $"; the model's own score for it is {attribution.TargetScores[item]}: check the input for NaN or infinite values.";
            throw new MedExplainInputException(model.FilePath, $"{Name} produced NaN or infinite values in the map of item {item}{cause}");
        }

        return attribution;
    }
}
