namespace MedExplain.Methods;

/// <summary>Occlusion: the score's drop when a sliding window of the input takes the baseline's values.</summary>
public sealed record Occlusion : MethodSettings
{
    /// <inheritdoc/>
    public override string Name => "occlusion";

    /// <summary>Gets the window per spatial axis (voxels), or null for an eighth of each axis.</summary>
    public IReadOnlyList<int>? Window { get; init; }

    /// <summary>Gets the stride per spatial axis (voxels), or null for half the window.</summary>
    public IReadOnlyList<int>? Stride { get; init; }

    /// <summary>Gets what covers the window.</summary>
    /// <value>The default is zeros.</value>
    public Baseline Baseline { get; init; } = Baseline.Zeros;

    private protected override AttributionOptions Apply(AttributionOptions options) => Baseline.ApplyTo(options with { Window = Window, Stride = Stride });
}

/// <summary>Which region-level estimator.</summary>
public enum RegionEstimator
{
    /// <summary>Each region removed alone.</summary>
    Ablation,

    /// <summary>Shapley values by sampled orderings.</summary>
    ShapleySampling,

    /// <summary>Shapley values fitted from random coalitions.</summary>
    KernelShap,

    /// <summary>A local linear model over random coalitions.</summary>
    Lime,
}

/// <summary>Region-level attribution: one value per region of a label map (an atlas, a segmentation, superpixels).</summary>
public sealed record Regions : MethodSettings
{
    /// <inheritdoc/>
    public override string Name => Estimator switch
    {
        RegionEstimator.ShapleySampling => "shapley-sampling",
        RegionEstimator.KernelShap => "kernel-shap",
        RegionEstimator.Lime => "lime",
        _ => "feature-ablation",
    };

    /// <summary>Gets the estimator.</summary>
    public RegionEstimator Estimator { get; init; }

    /// <summary>Gets integer region labels shaped like one input item (or its spatial part), or null for a patch grid
    /// (superpixels for LIME).</summary>
    public FloatTensor? FeatureMask { get; init; }

    /// <summary>Gets what a removed region takes.</summary>
    /// <value>The default is zeros.</value>
    public Baseline Baseline { get; init; } = Baseline.Zeros;

    /// <summary>Gets the orderings (Shapley sampling) or coalitions (KernelSHAP, LIME) drawn.</summary>
    /// <value>The default is 32.</value>
    public int Samples { get; init; } = 32;

    /// <summary>Gets whether Shapley sampling pairs each ordering with its reverse.</summary>
    /// <value>The default is true.</value>
    public bool Antithetic { get; init; } = true;

    private protected override AttributionOptions Apply(AttributionOptions options) =>
        Baseline.ApplyTo(options with { FeatureMask = FeatureMask, Samples = Samples, Antithetic = Antithetic });
}

/// <summary>RISE: the score of randomly masked copies, weighted by each mask.</summary>
public sealed record Rise : MethodSettings
{
    /// <inheritdoc/>
    public override string Name => "rise";

    /// <summary>Gets the grid cells per spatial axis, or null for 8 (images) or 4 (volumes).</summary>
    public int? Cells { get; init; }

    /// <summary>Gets the number of masks.</summary>
    /// <value>The default is 32.</value>
    public int Samples { get; init; } = 32;

    private protected override AttributionOptions Apply(AttributionOptions options) => options with { RiseCells = Cells, Samples = Samples };
}
