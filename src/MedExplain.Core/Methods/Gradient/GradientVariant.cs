namespace MedExplain.Methods.Gradient;

/// <summary>What a single-pass gradient method does with the backward signal.</summary>
internal enum GradientVariant
{
    /// <summary>The signal as it is.</summary>
    Raw,

    /// <summary>Its absolute value (saliency, Simonyan et al., 2014).</summary>
    Absolute,

    /// <summary>Times the input (Shrikumar et al., 2016).</summary>
    TimesInput,
}
