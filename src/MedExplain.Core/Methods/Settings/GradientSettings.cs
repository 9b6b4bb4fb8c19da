namespace MedExplain.Methods;

/// <summary>The gradient of the target score (signed).</summary>
public sealed record PlainGradient : ModifiedGradientSettings
{
    /// <inheritdoc/>
    public override string Name => "gradient";
}

/// <summary>The gradient's absolute value.</summary>
public sealed record Saliency : SinglePassSettings
{
    /// <inheritdoc/>
    public override string Name => "saliency";
}

/// <summary>The gradient times the input.</summary>
public sealed record InputXGradient : SinglePassSettings
{
    /// <inheritdoc/>
    public override string Name => "input-x-gradient";
}

/// <summary>Guided Backprop: the gradient passed back through positive signals only.</summary>
public sealed record GuidedBackprop : ModifiedGradientSettings
{
    /// <inheritdoc/>
    public override string Name => "guided-backprop";
}

/// <summary>DeConvNet: the signal passed back through the ReLUs in reverse.</summary>
public sealed record DeconvNet : ModifiedGradientSettings
{
    /// <inheritdoc/>
    public override string Name => "deconvnet";
}

/// <summary>Integrated Gradients along the straight path from a baseline, of the gradient or of a modified gradient.</summary>
public sealed record IntegratedGradients : MethodSettings
{
    /// <inheritdoc/>
    public override string Name => "integrated-gradients";

    /// <summary>Gets the number of path points.</summary>
    /// <value>The default is 32.</value>
    public int Steps { get; init; } = 32;

    /// <summary>Gets the quadrature.</summary>
    /// <value>The default is Gauss–Legendre.</value>
    public IntegrationKind Integration { get; init; } = IntegrationKind.GaussLegendre;

    /// <summary>Gets where the path starts.</summary>
    /// <value>The default is zeros.</value>
    public Baseline Baseline { get; init; } = Baseline.Zeros;

    /// <summary>Gets the modified gradient integrated (Guided Backprop, DeConvNet), or null for the gradient.</summary>
    public ModifiedGradientSettings? Over { get; init; }

    private protected override AttributionOptions Apply(AttributionOptions options) =>
        Baseline.ApplyTo(Inner.Apply(Over, options) with { Steps = Steps, Integration = Integration });
}

/// <summary>How the noise tunnel combines the maps of its noisy copies.</summary>
public enum NoiseCombination
{
    /// <summary>Their mean (SmoothGrad).</summary>
    Mean,

    /// <summary>The mean of their squares (SmoothGrad²).</summary>
    MeanOfSquares,

    /// <summary>Their variance (VarGrad).</summary>
    Variance,
}

/// <summary>SmoothGrad and its kin: the maps of noisy copies of the input, combined.</summary>
public sealed record SmoothGrad : MethodSettings
{
    /// <inheritdoc/>
    public override string Name => Combine switch
    {
        NoiseCombination.MeanOfSquares => "smoothgrad-sq",
        NoiseCombination.Variance => "vargrad",
        _ => "smoothgrad",
    };

    /// <summary>Gets how the maps are combined.</summary>
    public NoiseCombination Combine { get; init; }

    /// <summary>Gets the number of noisy copies per item.</summary>
    /// <value>The default is 32.</value>
    public int Samples { get; init; } = 32;

    /// <summary>Gets the noise σ as a fraction of each item's value range.</summary>
    /// <value>The default is 0.15.</value>
    public double Noise { get; init; } = 0.15;

    /// <summary>Gets the single-pass method whose maps are combined, or null for the gradient.</summary>
    public SinglePassSettings? Over { get; init; }

    private protected override AttributionOptions Apply(AttributionOptions options) =>
        Inner.Apply(Over, options) with { Samples = Samples, Noise = Noise };
}

/// <summary>Expected Gradients: Integrated Gradients averaged over baselines drawn from a background set.</summary>
/// <param name="Background">The background set (B, …item shape).</param>
public sealed record ExpectedGradients(FloatTensor Background) : MethodSettings
{
    /// <inheritdoc/>
    public override string Name => "expected-gradients";

    /// <summary>Gets the number of baseline draws per item.</summary>
    /// <value>The default is 32.</value>
    public int Samples { get; init; } = 32;

    private protected override AttributionOptions Apply(AttributionOptions options) => options with { Background = Background, Samples = Samples };
}

/// <summary>The settings of a wrapped method, merged into its wrapper's.</summary>
file static class Inner
{
    public static AttributionOptions Apply(SinglePassSettings? over, AttributionOptions options) =>
        over is null ? options : over.ApplyOnto(options) with { Over = over.Name };
}
