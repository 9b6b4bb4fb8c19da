using System.Collections.Frozen;
using MedExplain.Methods.Attention;
using MedExplain.Methods.Cam;
using MedExplain.Methods.Gradient;
using MedExplain.Methods.Perturbation;
using MedExplain.Methods.Propagation;
using MedExplain.Onnx.Backward;

namespace MedExplain.Methods;

/// <summary>Every attribution method by its stable kebab-case name, with its <see cref="MethodDescriptor"/>. Adding a
/// method is its class and one line here.</summary>
public static class AttributionMethods
{
    /// <summary>Methods whose maps are magnitudes, never negative.</summary>
    private static readonly HashSet<string> Unsigned = new(StringComparer.Ordinal) { "saliency", "smoothgrad-sq", "vargrad", "activation-map", "grad-cam", "grad-cam-pp", "raw-attention", "attention-rollout", "gradient-rollout" };

    private static readonly HashSet<string> Complete = new(StringComparer.Ordinal) { "integrated-gradients", "expected-gradients", "deeplift", "deeplift-reveal-cancel", "deepshap" };

    private static readonly Entry[] Entries =
    [
        Add(new SinglePassMethod("gradient", RuleSet.Gradient, GradientVariant.Raw), MethodFamily.Gradient, "How much the class score changes when each voxel changes a little (signed).", exports: true),
        Add(new SinglePassMethod("saliency", RuleSet.Gradient, GradientVariant.Absolute), MethodFamily.Gradient, "The size of that change, ignoring direction: where the score is most sensitive.", exports: true),
        Add(new SinglePassMethod("input-x-gradient", RuleSet.Gradient, GradientVariant.TimesInput), MethodFamily.Gradient, "Sensitivity times the voxel's value: a first-order share of the score per voxel.", exports: true),
        Add(new SinglePassMethod("guided-backprop", RuleSet.GuidedBackprop, GradientVariant.Raw), MethodFamily.Gradient, "Gradient passed back only through positive signals: sharp edges of what excites the class.", exports: true),
        Add(new SinglePassMethod("deconvnet", RuleSet.DeConvNet, GradientVariant.Raw), MethodFamily.Gradient, "Signal passed back through the network's ReLUs in reverse: patterns the network responds to.", exports: true),
        Add(new IntegratedGradientsMethod(), MethodFamily.PathIntegral, "Each voxel's share of the score's rise from a baseline (black) to the scan; the shares add up to that rise.", exports: true),
        Add(new NoiseTunnelMethod("smoothgrad", NoiseTunnelVariant.Mean), MethodFamily.NoiseTunnel, "The gradient averaged over noisy copies of the scan: less speckle, same meaning."),
        Add(new NoiseTunnelMethod("smoothgrad-sq", NoiseTunnelVariant.MeanOfSquares), MethodFamily.NoiseTunnel, "The mean square of gradients over noisy copies: where sensitivity is consistently high."),
        Add(new NoiseTunnelMethod("vargrad", NoiseTunnelVariant.Variance), MethodFamily.NoiseTunnel, "The variance of gradients over noisy copies: where the model's sensitivity is unstable."),
        Add(new ExpectedGradientsMethod(), MethodFamily.PathIntegral, "Integrated Gradients averaged over baselines drawn from a background set of scans.", MethodRequirements.Background),
        Add(new CamMethod("activation-map", CamVariant.ActivationMap), MethodFamily.ClassActivation, "The mean activation of the last convolutional layer: where the network's features fire, for any class."),
        Add(new CamMethod("cam", CamVariant.Cam), MethodFamily.ClassActivation, "Class Activation Map: last-layer features weighted by the classifier's weights for the class."),
        Add(new CamMethod("grad-cam", CamVariant.GradCam), MethodFamily.ClassActivation, "Last-layer features weighted by the class's average gradient, positive part: the regions that raise the score (coarse)."),
        Add(new CamMethod("grad-cam-pp", CamVariant.GradCamPlusPlus), MethodFamily.ClassActivation, "Grad-CAM with pixel-wise weights: better at several separate regions of one class."),
        Add(new GuidedGradCamMethod(), MethodFamily.ClassActivation, "Grad-CAM times Guided Backprop: the fine detail inside Grad-CAM's regions."),
        Add(new LrpMethod("lrp", null), MethodFamily.Propagation, "Layer-wise relevance propagation: the class score handed back layer by layer to the voxels, by the composite's rules."),
        Add(new LrpMethod("lrp-epsilon", "epsilon"), MethodFamily.Propagation, "LRP with the ε rule everywhere: close to gradient × input, a little less noisy."),
        Add(new LrpMethod("lrp-zplus", "zplus"), MethodFamily.Propagation, "LRP with the z⁺ rule everywhere: only what raised each neuron counts; positive, focused maps."),
        Add(new LrpMethod("lrp-alpha-beta", "alpha2-beta1"), MethodFamily.Propagation, "LRP α2β1: evidence for (red) and against (blue) the class, weighted two to one."),
        Add(new LrpMethod("deep-taylor", "deep-taylor"), MethodFamily.Propagation, "Deep Taylor decomposition: z⁺ through the network, bounded (z^B) at the input."),
        Add(new LrpMethod("lrp-transformer", Composites.Transformer), MethodFamily.Propagation, "LRP for vision transformers (CP-LRP): relevance flows through the values, not the attention weights, and through LayerNorm as if its scale were fixed, so the score is handed back to the patches and conserved."),
        Add(new DeepLiftMethod("deeplift"), MethodFamily.Propagation, "DeepLIFT: each voxel's share of the score's difference from a reference scan (black by default); shares add up to it."),
        Add(new DeepLiftMethod("deeplift-reveal-cancel"), MethodFamily.Propagation, "DeepLIFT RevealCancel: like DeepLIFT, but positive and negative evidence that cancel inside a neuron are both shown."),
        Add(new DeepLiftMethod("deepshap"), MethodFamily.Propagation, "DeepSHAP: DeepLIFT averaged over a background set of scans, an estimate of Shapley values.", MethodRequirements.Background),
        Add(new PatternMethod("patternnet"), MethodFamily.Propagation, "PatternNet: the signal the network detects in the scan, estimated from data (needs fitted patterns).", MethodRequirements.Patterns),
        Add(new PatternMethod("pattern-attribution"), MethodFamily.Propagation, "PatternAttribution: each voxel's contribution along the learned signal direction, ignoring distractors (needs fitted patterns).", MethodRequirements.Patterns),
        Add(new OcclusionMethod(), MethodFamily.Perturbation, "Occlusion: how much the score drops when a window of the scan is covered, averaged over the windows covering each voxel."),
        Add(new FeatureAblationMethod(), MethodFamily.Perturbation, "Feature ablation: how much the score drops when each region (atlas label, segment or patch) is removed."),
        Add(new ShapleySamplingMethod(), MethodFamily.Perturbation, "Shapley value sampling: each region's average contribution over random orders of adding regions; the values add up to the score's change."),
        Add(new KernelShapMethod(), MethodFamily.Perturbation, "KernelSHAP: Shapley values of the regions fitted from random coalitions (exact when all are enumerated)."),
        Add(new RiseMethod(), MethodFamily.Perturbation, "RISE: the average score of randomly masked copies of the scan, weighted by how much of each voxel each mask kept, less the average over all masks (red: keeping the voxel raised the score)."),
        Add(new LimeMethod(), MethodFamily.Perturbation, "LIME: a local linear model of the score over superpixels (or regions), fitted to random coalitions; its coefficients are the map."),
        Add(new AttentionMethod("raw-attention", AttentionVariant.Raw), MethodFamily.Attention, "Where the class token looked in the last block, averaged over heads (any class; attention is not evidence)."),
        Add(new AttentionMethod("attention-rollout", AttentionVariant.Rollout), MethodFamily.Attention, "Attention rollout: how information flowed from the patches to the class token through every block, residual paths included (any class)."),
        Add(new AttentionMethod("gradient-rollout", AttentionVariant.GradientRollout), MethodFamily.Attention, "Attention rolled out through the blocks, each weighted by the class score's gradient (positive part): the patches the class's evidence flowed from."),
    ];

    private static readonly FrozenDictionary<string, Entry> ByName = Entries.ToFrozenDictionary(e => e.Descriptor.Name, StringComparer.Ordinal);

    /// <summary>Gets every method's name, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ByName.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Gets every method's descriptor, in the order of <see cref="Names"/>.</summary>
    public static IReadOnlyList<MethodDescriptor> Descriptors { get; } = [.. Names.Select(n => ByName[n].Descriptor)];

    /// <summary>The method with this name.</summary>
    /// <param name="name">The kebab-case name.</param>
    /// <exception cref="MedExplainParameterException">No method has that name; the message lists those that do.</exception>
    public static IAttributionMethod Get(string name) => Find(name, "method").Checked;

    /// <summary>The descriptor of the method with this name.</summary>
    /// <param name="name">The kebab-case name.</param>
    /// <exception cref="MedExplainParameterException">No method has that name; the message lists those that do.</exception>
    public static MethodDescriptor Describe(string name) => Find(name, "method").Descriptor;

    /// <summary>The single-pass method a wrapper runs: the plain gradient for null, else the named one, refused unless it
    /// is one backward pass (and, for <paramref name="modifiedGradientOnly"/>, a modified gradient).</summary>
    internal static ISinglePassRecipe Inner(string? over, string wrapper, bool modifiedGradientOnly)
    {
        if (over is null)
        {
            return (ISinglePassRecipe)ByName["gradient"].Method;
        }

        Entry entry = Find(over, "over");
        bool fits = entry.Method is ISinglePassRecipe recipe && (!modifiedGradientOnly || recipe.IsModifiedGradient);
        IEnumerable<string> allowed = Entries.Where(e => e.Method is ISinglePassRecipe r && (!modifiedGradientOnly || r.IsModifiedGradient)).Select(e => e.Descriptor.Name);
        return fits
            ? (ISinglePassRecipe)entry.Method
            : throw new MedExplainParameterException("over", $"{wrapper} cannot run over '{over}'; it runs over {string.Join(", ", allowed)}.");
    }

    /// <summary>The name a map is recorded under: the method's, and for a wrapper over another method, both
    /// (smoothgrad-over-lrp-epsilon), safe in a file name.</summary>
    /// <param name="method">The method.</param>
    /// <param name="over">The <see cref="AttributionOptions.Over"/> it was run with.</param>
    public static string Label(string method, string? over) => over is null || !Describe(method).Wraps ? method : $"{method}-over-{over}";

    /// <summary>What a method's map shows, in a sentence or two (for a wrapper over another method, what that one's shows too).</summary>
    /// <param name="method">The method.</param>
    /// <param name="over">The <see cref="AttributionOptions.Over"/> it was run with.</param>
    public static string Summarize(string method, string? over) => over is null || !Describe(method).Wraps
        ? Describe(method).Summary
        : $"{Describe(method).Summary} Here the map of each copy or path point is {over}'s: {Describe(over).Summary}";

    /// <summary>The engine of a registered method, unwrapped (for graph export and LRP's conservation check).</summary>
    internal static IAttributionMethod Engine(string name, string parameter) => Find(name, parameter).Method;

    private static Entry Find(string name, string parameter) =>
        ByName.GetValueOrDefault(name) ?? throw new MedExplainParameterException(parameter, $"no method is called '{name}'.{NameSuggestion.For(name, Names)} The methods are: {string.Join(", ", Names)}.");

    /// <summary>Whether a method's maps carry a sign; SmoothGrad's mean has the sign of what it averages.</summary>
    /// <param name="method">The method.</param>
    /// <param name="over">The <see cref="AttributionOptions.Over"/> it was run with.</param>
    public static bool CarriesSign(string method, string? over) =>
        method == "smoothgrad" ? Describe(over ?? "gradient").CarriesSign : Describe(method).CarriesSign;

    /// <summary>Whether a method's voxels add up to the score's change; Integrated Gradients over a modified gradient
    /// does not (the modified gradient is not the score's derivative).</summary>
    /// <param name="method">The method.</param>
    /// <param name="over">The <see cref="AttributionOptions.Over"/> it was run with.</param>
    public static bool AddsUpToScore(string method, string? over) => over is null && Describe(method).AddsUpToScore;

    private static Entry Add(IAttributionMethod method, MethodFamily family, string summary, MethodRequirements requires = MethodRequirements.None, bool exports = false) =>
        new(method, new FiniteResultCheck(method), new MethodDescriptor(method.Name, family, summary)
        {
            Requires = requires,
            IsSinglePass = method is ISinglePassRecipe,
            IsModifiedGradient = method is ISinglePassRecipe { IsModifiedGradient: true },
            Wraps = method is NoiseTunnelMethod or IntegratedGradientsMethod,
            ExportsAsGraph = exports,
            CarriesSign = !Unsigned.Contains(method.Name),
            AddsUpToScore = Complete.Contains(method.Name),
        });

    private sealed record Entry(IAttributionMethod Method, IAttributionMethod Checked, MethodDescriptor Descriptor);
}
