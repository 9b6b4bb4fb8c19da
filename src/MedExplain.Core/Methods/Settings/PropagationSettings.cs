using MedExplain.Methods.Propagation;

namespace MedExplain.Methods;

/// <summary>The LRP composites by name (Zennit's definitions).</summary>
public static class Composites
{
    /// <summary>ε on dense layers, z⁺ on convolutions (the default).</summary>
    public const string EpsilonPlus = "epsilon-plus";

    /// <summary>EpsilonPlus with the flat rule on the first layer.</summary>
    public const string EpsilonPlusFlat = "epsilon-plus-flat";

    /// <summary>ε on dense layers, α2β1 on convolutions.</summary>
    public const string EpsilonAlpha2Beta1 = "epsilon-alpha2-beta1";

    /// <summary>EpsilonAlpha2Beta1 with the flat rule on the first layer.</summary>
    public const string EpsilonAlpha2Beta1Flat = "epsilon-alpha2-beta1-flat";

    /// <summary>ε on dense layers, γ on convolutions, z^B on the first layer.</summary>
    public const string EpsilonGammaBox = "epsilon-gamma-box";

    /// <summary>ε everywhere.</summary>
    public const string Epsilon = "epsilon";

    /// <summary>z⁺ everywhere.</summary>
    public const string ZPlus = "zplus";

    /// <summary>α2β1 everywhere.</summary>
    public const string Alpha2Beta1 = "alpha2-beta1";

    /// <summary>z⁺ everywhere, z^B at the input.</summary>
    public const string DeepTaylor = "deep-taylor";

    /// <summary>Conservative propagation through transformers (CP-LRP, Ali et al. 2022): attention weights and
    /// LayerNorm's normaliser held constant, GELU passing relevance on, γ on the patch embedding and the blocks' linear
    /// layers, ε on the classifier head.</summary>
    public const string Transformer = "cp-lrp";
}

/// <summary>Layer-wise relevance propagation with a composite of rules.</summary>
public sealed record Lrp : SinglePassSettings
{
    /// <inheritdoc/>
    public override string Name => "lrp";

    /// <summary>Gets the composite (see <see cref="Composites"/>).</summary>
    /// <value>The default is <see cref="Composites.EpsilonPlus"/>.</value>
    public string Composite { get; init; } = Composites.EpsilonPlus;

    /// <summary>Gets the ε of the ε rule.</summary>
    /// <value>The default is 1e-6, Zennit's.</value>
    public double Epsilon { get; init; } = 1e-6;

    /// <summary>Gets rules chosen by node name, overriding the composite (node → rule, as <see cref="LrpRuleText"/> reads).</summary>
    public IReadOnlyDictionary<string, string> RuleOverrides { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the input bounds of the z^B rule, or null for each item's own minimum and maximum.</summary>
    public (float Low, float High)? Box { get; init; }

    private protected override AttributionOptions Apply(AttributionOptions options) =>
        options with { Composite = Composite, Epsilon = Epsilon, RuleOverrides = RuleOverrides, Box = Box };
}

/// <summary>Deep Taylor decomposition: z⁺ through the network, z^B at the input.</summary>
public sealed record DeepTaylor : SinglePassSettings
{
    /// <inheritdoc/>
    public override string Name => "deep-taylor";

    /// <summary>Gets the input bounds of the z^B rule, or null for each item's own minimum and maximum.</summary>
    public (float Low, float High)? Box { get; init; }

    private protected override AttributionOptions Apply(AttributionOptions options) => options with { Box = Box };
}

/// <summary>DeepLIFT against a reference input (Rescale rule, or RevealCancel).</summary>
public sealed record DeepLift : MethodSettings
{
    /// <inheritdoc/>
    public override string Name => RevealCancel ? "deeplift-reveal-cancel" : "deeplift";

    /// <summary>Gets the reference input.</summary>
    /// <value>The default is zeros.</value>
    public Baseline Reference { get; init; } = Baseline.Zeros;

    /// <summary>Gets whether nonlinearities use the RevealCancel rule instead of Rescale.</summary>
    public bool RevealCancel { get; init; }

    private protected override AttributionOptions Apply(AttributionOptions options) => Reference.ApplyTo(options);
}

/// <summary>DeepSHAP: DeepLIFT averaged over a background set of references.</summary>
/// <param name="Background">The references (B, …item shape).</param>
public sealed record DeepShap(FloatTensor Background) : MethodSettings
{
    /// <inheritdoc/>
    public override string Name => "deepshap";

    private protected override AttributionOptions Apply(AttributionOptions options) => options with { Background = Background };
}

/// <summary>PatternNet: the signal the network detects, from patterns fitted to the model.</summary>
/// <param name="Fitted">The patterns (<see cref="PatternFitter"/>).</param>
public sealed record PatternNet(PatternSet Fitted) : MethodSettings
{
    /// <inheritdoc/>
    public override string Name => "patternnet";

    private protected override AttributionOptions Apply(AttributionOptions options) => options with { Patterns = Fitted };
}

/// <summary>PatternAttribution: each voxel's contribution along the learned signal direction.</summary>
/// <param name="Fitted">The patterns (<see cref="PatternFitter"/>).</param>
public sealed record PatternAttribution(PatternSet Fitted) : MethodSettings
{
    /// <inheritdoc/>
    public override string Name => "pattern-attribution";

    private protected override AttributionOptions Apply(AttributionOptions options) => options with { Patterns = Fitted };
}
