using MedExplain.Batching;
using MedExplain.Onnx;

namespace MedExplain.Methods.Cam;

/// <summary>Guided Grad-CAM (Selvaraju et al., 2017): Guided Backprop times the Grad-CAM map upsampled to the input,
/// shaped like the input.</summary>
internal sealed class GuidedGradCamMethod : IAttributionMethod
{
    public string Name => "guided-grad-cam";

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        Attribution guided = AttributionMethods.Get("guided-backprop").Attribute(model, inputs, target, options, progress, cancellationToken);
        ClassTarget same = ClassTarget.PerItem(guided.TargetClasses);
        Attribution cam = AttributionMethods.Get("grad-cam").Attribute(model, inputs, same, options with { CamAtLayerResolution = false }, progress, cancellationToken);
        var values = new FloatTensor(inputs.Shape);
        int channels = inputs.Shape[1], plane = inputs.ItemSize / channels;
        for (int item = 0; item < inputs.BatchSize; item++)
        {
            ReadOnlySpan<float> weights = cam.Values.Item(item), g = guided.Values.Item(item);
            for (int c = 0; c < channels; c++)
            {
                for (int p = 0; p < plane; p++)
                {
                    values.Data[(item * inputs.ItemSize) + (c * plane) + p] = g[(c * plane) + p] * weights[p];
                }
            }
        }

        return new Attribution(Name, values, guided.TargetClasses, guided.TargetScores, new Dictionary<Diagnostic, float[]>());
    }
}
