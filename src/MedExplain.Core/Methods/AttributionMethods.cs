using System.Collections.Frozen;
using MedExplain.Methods.Cam;
using MedExplain.Methods.Gradient;
using MedExplain.Methods.Perturbation;
using MedExplain.Methods.Propagation;
using MedExplain.Onnx.Backward;

namespace MedExplain.Methods;

/// <summary>Every attribution method by its stable kebab-case name.</summary>
public static class AttributionMethods
{
    private static readonly FrozenDictionary<string, IAttributionMethod> ByName = new IAttributionMethod[]
    {
        new SinglePassMethod("gradient", RuleSet.Gradient, GradientVariant.Raw),
        new SinglePassMethod("saliency", RuleSet.Gradient, GradientVariant.Absolute),
        new SinglePassMethod("input-x-gradient", RuleSet.Gradient, GradientVariant.TimesInput),
        new SinglePassMethod("guided-backprop", RuleSet.GuidedBackprop, GradientVariant.Raw),
        new SinglePassMethod("deconvnet", RuleSet.DeConvNet, GradientVariant.Raw),
        new IntegratedGradientsMethod(),
        new NoiseTunnelMethod("smoothgrad", NoiseTunnelVariant.Mean),
        new NoiseTunnelMethod("smoothgrad-sq", NoiseTunnelVariant.MeanOfSquares),
        new NoiseTunnelMethod("vargrad", NoiseTunnelVariant.Variance),
        new ExpectedGradientsMethod(),
        new CamMethod("activation-map", CamVariant.ActivationMap),
        new CamMethod("cam", CamVariant.Cam),
        new CamMethod("grad-cam", CamVariant.GradCam),
        new CamMethod("grad-cam-pp", CamVariant.GradCamPlusPlus),
        new GuidedGradCamMethod(),
        new LrpMethod("lrp", null),
        new LrpMethod("lrp-epsilon", "epsilon"),
        new LrpMethod("lrp-zplus", "zplus"),
        new LrpMethod("lrp-alpha-beta", "alpha2-beta1"),
        new LrpMethod("deep-taylor", "deep-taylor"),
        new DeepLiftMethod("deeplift"),
        new DeepLiftMethod("deeplift-reveal-cancel"),
        new DeepLiftMethod("deepshap"),
        new PatternMethod("patternnet"),
        new PatternMethod("pattern-attribution"),
        new OcclusionMethod(),
        new FeatureAblationMethod(),
        new ShapleySamplingMethod(),
        new KernelShapMethod(),
        new RiseMethod(),
        new LimeMethod(),
    }.ToFrozenDictionary(m => m.Name, IAttributionMethod (m) => new FiniteResultCheck(m), StringComparer.Ordinal);

    /// <summary>Gets every method's name, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ByName.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The method with this name.</summary>
    /// <param name="name">The kebab-case name.</param>
    /// <exception cref="MedExplainInputException">No method has that name; the message lists those that do.</exception>
    public static IAttributionMethod Get(string name) =>
        ByName.GetValueOrDefault(name) ?? throw new MedExplainParameterException("method", $"no method is called '{name}'; the methods are: {string.Join(", ", Names)}.");
}
