namespace MedExplain.Methods;

/// <summary>What one attribution method is: the single record its registry entry, the report glossary, graph export,
/// the CLI's help and the demo all read.</summary>
/// <param name="Name">The stable kebab-case name.</param>
/// <param name="Family">The family it belongs to.</param>
/// <param name="Summary">One sentence on what its map shows, in words a clinician can use.</param>
public sealed record MethodDescriptor(string Name, MethodFamily Family, string Summary)
{
    /// <summary>Gets what the method cannot run without, beyond the model and the inputs.</summary>
    public MethodRequirements Requires { get; init; }

    /// <summary>Gets whether the method is one compiled backward pass, so that <see cref="AttributionOptions.Over"/> of
    /// SmoothGrad (any of these) or Integrated Gradients (the modified gradients) can name it.</summary>
    public bool IsSinglePass { get; init; }

    /// <summary>Gets whether its signal is a (possibly modified) gradient rather than a relevance, so that integrating it
    /// along a path and multiplying by the input's change is Integrated Gradients.</summary>
    public bool IsModifiedGradient { get; init; }

    /// <summary>Gets whether it takes an inner single-pass method (<see cref="AttributionOptions.Over"/>).</summary>
    public bool Wraps { get; init; }

    /// <summary>Gets whether <see cref="ExplanationGraphExport"/> writes it as one standalone ONNX graph.</summary>
    public bool ExportsAsGraph { get; init; }

    /// <summary>Gets whether its maps carry a sign (evidence for and against), so figures use the diverging colour map
    /// centred on zero whatever the values of one scan; false for magnitudes (saliency, variances, ReLU'd CAMs).</summary>
    public bool CarriesSign { get; init; } = true;

    /// <summary>Gets whether its voxels add up to the class score's change from a baseline (completeness: Integrated
    /// and Expected Gradients, DeepLIFT, DeepSHAP), so its maps are in one unit, a share of the score, and figures may
    /// put such methods on one colour scale. False where the sum means nothing (gradients, CAMs, region methods, whose
    /// voxels each carry their whole region's value).</summary>
    public bool AddsUpToScore { get; init; }
}

/// <summary>The families of attribution methods.</summary>
public enum MethodFamily
{
    /// <summary>One backward pass of the gradient or a modified gradient.</summary>
    Gradient,

    /// <summary>Gradients integrated along a path from a baseline (Integrated and Expected Gradients).</summary>
    PathIntegral,

    /// <summary>Gradients of noisy copies, combined (SmoothGrad and its kin).</summary>
    NoiseTunnel,

    /// <summary>Class activation maps: a layer's activations, weighted.</summary>
    ClassActivation,

    /// <summary>Rule-based backward passes: LRP, Deep Taylor, DeepLIFT, PatternNet.</summary>
    Propagation,

    /// <summary>The model's score on perturbed copies: occlusion, Shapley, KernelSHAP, LIME, RISE.</summary>
    Perturbation,

    /// <summary>A vision transformer's attention weights, alone or rolled out through its blocks.</summary>
    Attention,
}

/// <summary>What a method needs in <see cref="AttributionOptions"/> besides the model and the inputs.</summary>
[Flags]
public enum MethodRequirements
{
    /// <summary>Nothing more.</summary>
    None = 0,

    /// <summary>A background set of inputs (<see cref="AttributionOptions.Background"/>).</summary>
    Background = 1,

    /// <summary>Patterns fitted to the model (<see cref="AttributionOptions.Patterns"/>).</summary>
    Patterns = 2,
}
