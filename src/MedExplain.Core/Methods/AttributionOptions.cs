namespace MedExplain.Methods;

/// <summary>The knobs of every attribution method; each method reads the ones it has.</summary>
public sealed record AttributionOptions
{
    /// <summary>Gets the number of path points (Integrated Gradients).</summary>
    /// <value>The default is 32.</value>
    public int Steps { get; init; } = 32;

    /// <summary>Gets the integration rule (Integrated Gradients).</summary>
    /// <value>The default is Gauss–Legendre.</value>
    public IntegrationKind Integration { get; init; } = IntegrationKind.GaussLegendre;

    /// <summary>Gets the baseline (Integrated Gradients).</summary>
    /// <value>The default is zeros.</value>
    public BaselineKind Baseline { get; init; } = BaselineKind.Zeros;

    /// <summary>Gets the value of a constant baseline.</summary>
    /// <value>The default is 0.</value>
    public float BaselineValue { get; init; }

    /// <summary>Gets the Gaussian σ, in voxels, of a blurred baseline.</summary>
    /// <value>The default is 5.</value>
    public double BlurSigma { get; init; } = 5;

    /// <summary>Gets a user baseline: one item, or one per input item.</summary>
    public FloatTensor? BaselineArray { get; init; }

    /// <summary>Gets the number of noisy samples (SmoothGrad family) or of baseline draws (Expected Gradients).</summary>
    /// <value>The default is 32.</value>
    public int Samples { get; init; } = 32;

    /// <summary>Gets the noise standard deviation as a fraction of each item's value range (SmoothGrad family).</summary>
    /// <value>The default is 0.15.</value>
    public double Noise { get; init; } = 0.15;

    /// <summary>Gets the single-pass method that SmoothGrad's family averages over noisy copies (any single-pass method,
    /// such as an LRP composite) or that Integrated Gradients integrates along its path (a modified gradient, such as
    /// guided-backprop); null for the plain gradient. Its own options are read from these options too.</summary>
    public string? Over { get; init; }

    /// <summary>Gets the seed of every random draw, so results are reproducible.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; init; }

    /// <summary>Gets the background set baselines are drawn from (Expected Gradients): (B, …item shape).</summary>
    public FloatTensor? Background { get; init; }

    /// <summary>Gets the output the seed is laid on, or null for the card's score output (else the first output).</summary>
    public string? OutputName { get; init; }

    /// <summary>Gets a mask over the target output (one output item, or one per input item) that replaces class targets:
    /// the explained quantity is Σ mask ⊙ output, such as a lesion region of a segmentation output.</summary>
    public FloatTensor? TargetMask { get; init; }

    /// <summary>Gets the activation CAM methods weight (a tensor name), or null for the card's default or the last
    /// activation before global pooling.</summary>
    public string? Layer { get; init; }

    /// <summary>Gets whether CAM maps stay at the layer's resolution or are upsampled (linear) to the input's.</summary>
    /// <value>The default is the input's resolution.</value>
    public bool CamAtLayerResolution { get; init; }

    /// <summary>Gets the memory the whole process may hold; batches of path points and samples are sized to what is
    /// left of it.</summary>
    /// <value>The default is 1 GiB.</value>
    public long MaxMemoryBytes { get; init; } = 1L << 30;

    /// <summary>Gets the LRP composite for the method <c>lrp</c>: epsilon-plus (default), epsilon-plus-flat,
    /// epsilon-alpha2-beta1, epsilon-alpha2-beta1-flat or epsilon-gamma-box.</summary>
    public string? Composite { get; init; }

    /// <summary>Gets the ε of the LRP-ε rule on dense layers (and of lrp-epsilon everywhere).</summary>
    /// <value>The default is 1e-6, Zennit's.</value>
    public double Epsilon { get; init; } = 1e-6;

    /// <summary>Gets LRP rules chosen by node name, overriding the composite: node name → rule (see LrpRuleText).</summary>
    public IReadOnlyDictionary<string, string> RuleOverrides { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the input bounds of the z^B rule, or null for each item's own minimum and maximum.</summary>
    public (float Low, float High)? Box { get; init; }

    /// <summary>Gets the occlusion window per spatial axis (voxels), or null for an eighth of each axis.</summary>
    public IReadOnlyList<int>? Window { get; init; }

    /// <summary>Gets the occlusion stride per spatial axis (voxels), or null for half the window.</summary>
    public IReadOnlyList<int>? Stride { get; init; }

    /// <summary>Gets integer region labels shaped like one input item (or its spatial part, shared by the channels):
    /// the features of feature-ablation, shapley-sampling, kernel-shap and lime.</summary>
    public FloatTensor? FeatureMask { get; init; }

    /// <summary>Gets RISE's grid cells per spatial axis, or null for 8 (images) or 4 (volumes).</summary>
    public int? RiseCells { get; init; }

    /// <summary>Gets whether Shapley sampling also uses each permutation reversed (antithetic sampling).</summary>
    public bool Antithetic { get; init; } = true;

    /// <summary>Gets the patterns of PatternNet and PatternAttribution (from fit-patterns).</summary>
    public Propagation.PatternSet? Patterns { get; init; }

    /// <summary>Checks the values, naming the first that is out of range: the one validation every entry point uses
    /// (the methods call it; the CLI's commands before they start work).</summary>
    /// <exception cref="MedExplainParameterException">A value is out of range or not finite.</exception>
    public void Validate()
    {
        Require(Steps, 1, MaxSteps, "steps");
        if (Integration == IntegrationKind.RiemannTrapezoid)
        {
            Require(Steps, 2, MaxSteps, "steps");
        }

        Require(Samples, 1, MaxSamples, "samples");
        if (RiseCells is int cells)
        {
            Require(cells, 1, MaxRiseCells, "cells");
        }

        RequireFinite(Noise >= 0 && double.IsFinite(Noise), Noise, "noise", "a finite fraction of the value range, 0 or more");
        RequireFinite(BlurSigma > 0 && double.IsFinite(BlurSigma), BlurSigma, "baseline", "a blur σ that is finite and above 0");
        RequireFinite(Epsilon >= 0 && double.IsFinite(Epsilon), Epsilon, "epsilon", "finite and 0 or more");
        RequireFinite(float.IsFinite(BaselineValue), BaselineValue, "baseline", "a finite constant");
        foreach ((FloatTensor? tensor, string parameter) in new[] { (Background, "background"), (BaselineArray, "baseline"), (TargetMask, "target-mask"), (FeatureMask, "feature-mask") })
        {
            if (tensor is { Data.Length: 0 })
            {
                throw new MedExplainParameterException(parameter, $"holds no values (shape {FloatTensor.FormatShape(tensor.Shape)}).");
            }
        }

        if (MaxMemoryBytes <= 0)
        {
            throw new MedExplainParameterException("max-memory", $"must be above 0 bytes, not {MaxMemoryBytes}.");
        }
    }

    /// <summary>The most path points a method takes: more adds nothing an integral of a network's gradient needs, and
    /// a mistyped count (100000000) would run for days.</summary>
    public const int MaxSteps = 10_000;

    /// <summary>The most samples (noise draws, coalitions, masks) a method takes.</summary>
    public const int MaxSamples = 1_000_000;

    /// <summary>The most RISE grid cells per axis.</summary>
    public const int MaxRiseCells = 256;

    private static void Require(int value, int low, int high, string parameter)
    {
        if (value < low || value > high)
        {
            throw new MedExplainParameterException(parameter, $"must be from {low} to {high}, not {value}.");
        }
    }

    private static void RequireFinite(bool valid, double value, string parameter, string what)
    {
        if (!valid)
        {
            throw new MedExplainParameterException(parameter, $"must be {what}, not {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }
    }
}
