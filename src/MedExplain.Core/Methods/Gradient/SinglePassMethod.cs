using MedExplain.Batching;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;

namespace MedExplain.Methods.Gradient;

/// <summary>Methods that need one backward pass per item: gradient, saliency, input × gradient, Guided Backprop and
/// DeConvNet (the last two are the gradient with modified ReLU rules).</summary>
/// <param name="name">The kebab-case name.</param>
/// <param name="rules">The backward rules.</param>
/// <param name="variant">What is done with the signal.</param>
internal sealed class SinglePassMethod(string name, RuleSet rules, GradientVariant variant) : IAttributionMethod, ISinglePassRecipe
{
    public string Name { get; } = name;

    public GradientVariant Variant => variant;

    public bool IsModifiedGradient => variant == GradientVariant.Raw;

    /// <summary>Gets the backward rules.</summary>
    public RuleSet Rules => rules;

    public (OnnxModel Model, RuleSet Rules) Prepare(OnnxModel model, AttributionOptions options) => (model, rules);

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(Name, model, rules, variant, inputs, target, options, progress, cancellationToken);

    /// <summary>One pass of <paramref name="passRules"/> for every item; the map is the signal after <paramref name="passVariant"/>.</summary>
    public static Attribution Run(string name, OnnxModel model, RuleSet passRules, GradientVariant passVariant, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TargetScores targets = TargetScores.ForFixedTargets(model, inputs, target, options);
        var values = new FloatTensor(inputs.Shape);
        int itemSize = inputs.ItemSize;
        new GradientPass(model, passRules, options).Run(
            inputs.Shape[1..],
            inputs.BatchSize,
            (item, destination) => inputs.Item(item).CopyTo(destination),
            targets.WriteSeed,
            (item, signal, score) =>
            {
                targets.Scores[item] = score;
                SignalVariant.Apply(passVariant, signal, inputs.Item(item), values.Data.AsSpan(item * itemSize, itemSize));
            },
            progress,
            cancellationToken);
        return new Attribution(name, values, targets.Classes, targets.Scores, new Dictionary<Diagnostic, float[]>());
    }
}
