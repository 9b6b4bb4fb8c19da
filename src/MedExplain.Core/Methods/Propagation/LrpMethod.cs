using MedExplain.Batching;
using MedExplain.Methods.Gradient;
using MedExplain.Onnx;
using MedExplain.Onnx.Canonizers;

namespace MedExplain.Methods.Propagation;

/// <summary>Layer-wise relevance propagation: one compiled backward pass whose rules come from a composite.</summary>
/// <param name="name">The method name: lrp (composite from the options), or a shorthand with a fixed composite.</param>
/// <param name="fixedComposite">The composite of a shorthand, or null to take the options' (default epsilon-plus).</param>
internal sealed class LrpMethod(string name, string? fixedComposite) : IAttributionMethod, ISinglePassRecipe
{
    /// <summary>The composite used when none is given.</summary>
    public const string DefaultComposite = Composites.EpsilonPlus;

    public string Name { get; } = name;

    public GradientVariant Variant => GradientVariant.Raw;

    public bool IsModifiedGradient => false;

    /// <summary>The composite this method uses with these options.</summary>
    public string CompositeFor(AttributionOptions options) => fixedComposite ?? options.Composite ?? DefaultComposite;

    public (OnnxModel Model, Onnx.Backward.RuleSet Rules) Prepare(OnnxModel model, AttributionOptions options)
    {
        OnnxModel canonical = Canonical(model);
        return (canonical, LrpComposite.Build(canonical, CompositeFor(options), options));
    }

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        (OnnxModel canonical, Onnx.Backward.RuleSet rules) = Prepare(model, options);
        Attribution attribution = SinglePassMethod.Run(Name, canonical, rules, GradientVariant.Raw, inputs, target, options, progress, cancellationToken);

        // Relevance starts as the target score, so a conservative rule set gives maps that sum to it.
        float[] gap = [.. Enumerable.Range(0, inputs.BatchSize).Select(i => Sum(attribution.Values.Item(i)) - attribution.TargetScores[i])];
        return attribution with { Diagnostics = new Dictionary<Diagnostic, float[]> { [Diagnostic.RelevanceGap] = gap } };
    }

    /// <summary>The model with BatchNorm folded into the layers before it (cached on the model), as LRP rules expect.</summary>
    /// <param name="model">The model.</param>
    public static OnnxModel Canonical(OnnxModel model) => model.Derived("batchnorm-folded", BatchNormFolding.Apply);

    private static float Sum(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        return (float)sum;
    }
}
