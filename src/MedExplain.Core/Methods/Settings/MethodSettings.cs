using MedExplain.Batching;
using MedExplain.Onnx;

namespace MedExplain.Methods;

/// <summary>An attribution method with its settings, typed: each method's record offers only the knobs it reads, and
/// wrappers take the method they wrap (<c>new SmoothGrad { Over = new Lrp { Composite = Composites.EpsilonPlus } }</c>).
/// The by-name registry (<see cref="AttributionMethods"/>) runs it, so both ways give the same maps.</summary>
public abstract record MethodSettings
{
    private protected MethodSettings()
    {
    }

    /// <summary>Gets the registered name of the method these settings run.</summary>
    public abstract string Name { get; }

    /// <summary>Gets the method's descriptor.</summary>
    public MethodDescriptor Descriptor => AttributionMethods.Describe(Name);

    /// <summary>Gets the seed of every random draw.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the memory the whole process may hold.</summary>
    /// <value>The default is 1 GiB.</value>
    public long MaxMemoryBytes { get; init; } = 1L << 30;

    /// <summary>Gets the output explained, or null for the card's score output (else the first).</summary>
    public string? OutputName { get; init; }

    /// <summary>Gets a mask over the target output that replaces class targets (Σ mask ⊙ output is explained).</summary>
    public FloatTensor? TargetMask { get; init; }

    /// <summary>The settings as the registry's options, checked.</summary>
    /// <exception cref="MedExplainParameterException">A value is out of range.</exception>
    public AttributionOptions ToOptions()
    {
        AttributionOptions options = Apply(new AttributionOptions { Seed = Seed, MaxMemoryBytes = MaxMemoryBytes, OutputName = OutputName, TargetMask = TargetMask });
        options.Validate();
        return options;
    }

    /// <summary>Computes the map of every item of <paramref name="inputs"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="inputs">The batch, shaped and normalised as the model takes it.</param>
    /// <param name="target">The class score to explain.</param>
    /// <param name="progress">Receives progress after each runtime call.</param>
    /// <param name="cancellationToken">Stops between calls.</param>
    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default) =>
        AttributionMethods.Get(Name).Attribute(model, inputs, target, ToOptions(), progress, cancellationToken);

    /// <summary>This method's settings written into <paramref name="options"/> (a wrapper's, for the method it wraps).</summary>
    internal AttributionOptions ApplyOnto(AttributionOptions options) => Apply(options);

    /// <summary>Writes this method's settings into <paramref name="options"/> (a method without knobs has none to write).</summary>
    private protected virtual AttributionOptions Apply(AttributionOptions options) => options;
}

/// <summary>A method that is one compiled backward pass: SmoothGrad's family can average it over noisy copies.</summary>
public abstract record SinglePassSettings : MethodSettings
{
    private protected SinglePassSettings()
    {
    }
}

/// <summary>A single pass whose signal is a (modified) gradient: Integrated Gradients can integrate it along its path.</summary>
public abstract record ModifiedGradientSettings : SinglePassSettings
{
    private protected ModifiedGradientSettings()
    {
    }
}

/// <summary>The reference input that path and perturbation methods compare the scan with.</summary>
public sealed record Baseline
{
    private Baseline(BaselineKind kind) => Kind = kind;

    /// <summary>Gets an all-zero input.</summary>
    public static Baseline Zeros { get; } = new(BaselineKind.Zeros);

    /// <summary>Gets each item's own mean value everywhere.</summary>
    public static Baseline Mean { get; } = new(BaselineKind.Mean);

    /// <summary>Gets uniform noise over each item's value range (drawn with the seed).</summary>
    public static Baseline Uniform { get; } = new(BaselineKind.Uniform);

    /// <summary>Gets what kind of baseline it is.</summary>
    public BaselineKind Kind { get; }

    /// <summary>Gets the value of a constant baseline.</summary>
    public float Value { get; private init; }

    /// <summary>Gets the σ, in voxels, of a blurred baseline.</summary>
    public double Sigma { get; private init; } = 5;

    /// <summary>Gets the user's array.</summary>
    public FloatTensor? Array { get; private init; }

    /// <summary>The same value everywhere.</summary>
    /// <param name="value">The value.</param>
    public static Baseline Constant(float value) => new(BaselineKind.Constant) { Value = value };

    /// <summary>The scan blurred by a Gaussian.</summary>
    /// <param name="sigma">Its σ, in voxels.</param>
    public static Baseline Blur(double sigma = 5) => new(BaselineKind.Blur) { Sigma = sigma };

    /// <summary>A given input: one item, or one per input item.</summary>
    /// <param name="array">The baseline.</param>
    public static Baseline Of(FloatTensor array) => new(BaselineKind.Array) { Array = array };

    internal AttributionOptions ApplyTo(AttributionOptions options) =>
        options with { Baseline = Kind, BaselineValue = Value, BlurSigma = Sigma, BaselineArray = Array };
}
