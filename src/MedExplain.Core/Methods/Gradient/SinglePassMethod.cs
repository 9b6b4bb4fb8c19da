using MedExplain.Batching;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;

namespace MedExplain.Methods.Gradient;

/// <summary>Methods that need one backward pass per item: gradient, saliency, input × gradient, Guided Backprop and
/// DeConvNet (the last two are the gradient with modified ReLU rules).</summary>
/// <param name="name">The kebab-case name.</param>
/// <param name="rules">The backward rules.</param>
/// <param name="variant">What is done with the signal.</param>
internal sealed class SinglePassMethod(string name, RuleSet rules, GradientVariant variant) : IAttributionMethod
{
    public string Name { get; } = name;

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TargetScores targets = TargetScores.ForFixedTargets(model, inputs, target, options);
        var values = new FloatTensor(inputs.Shape);
        int itemSize = inputs.ItemSize;
        new GradientPass(model, rules, options).Run(
            inputs.Shape[1..],
            inputs.BatchSize,
            (item, destination) => inputs.Item(item).CopyTo(destination),
            targets.WriteSeed,
            (item, signal, score) =>
            {
                targets.Scores[item] = score;
                Span<float> output = values.Data.AsSpan(item * itemSize, itemSize);
                ReadOnlySpan<float> x = inputs.Item(item);
                for (int i = 0; i < itemSize; i++)
                {
                    output[i] = variant switch
                    {
                        GradientVariant.Absolute => Math.Abs(signal[i]),
                        GradientVariant.TimesInput => signal[i] * x[i],
                        _ => signal[i],
                    };
                }
            },
            progress,
            cancellationToken);
        return new Attribution(Name, values, targets.Classes, targets.Scores, new Dictionary<string, float[]>());
    }
}
