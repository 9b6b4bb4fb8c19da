namespace MedExplain.Methods;

/// <summary>The reference input that path methods integrate from.</summary>
public enum BaselineKind
{
    /// <summary>All zeros.</summary>
    Zeros,

    /// <summary>A constant value (<see cref="AttributionOptions.BaselineValue"/>).</summary>
    Constant,

    /// <summary>The input blurred by a Gaussian (σ = <see cref="AttributionOptions.BlurSigma"/> voxels).</summary>
    Blur,

    /// <summary>Uniform noise over each item's value range (seeded).</summary>
    Uniform,

    /// <summary>A user array (<see cref="AttributionOptions.BaselineArray"/>), one item or one per item.</summary>
    Array,

    /// <summary>Each item's mean value everywhere (occlusion's "mean" patch).</summary>
    Mean,
}
