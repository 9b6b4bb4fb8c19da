using MedExplain.Batching;
using MedExplain.Onnx;

namespace MedExplain.Methods;

/// <summary>An attribution method: one uniform entry point; its knobs live in <see cref="AttributionOptions"/>.</summary>
public interface IAttributionMethod
{
    /// <summary>Gets the stable kebab-case name used by the CLI, reports and the API.</summary>
    string Name { get; }

    /// <summary>Computes an attribution map for every item of <paramref name="inputs"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="inputs">The batch, shaped and normalised as the model takes it.</param>
    /// <param name="target">The class score to explain.</param>
    /// <param name="options">The method's knobs.</param>
    /// <param name="progress">Receives progress after each runtime call.</param>
    /// <param name="cancellationToken">Stops between calls.</param>
    Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default);
}
