namespace MedExplain.Methods.Gradient;

/// <summary>How the gradients of noisy copies are combined.</summary>
internal enum NoiseTunnelVariant
{
    /// <summary>Their mean (SmoothGrad, Smilkov et al., 2017).</summary>
    Mean,

    /// <summary>The mean of their squares (SmoothGrad²).</summary>
    MeanOfSquares,

    /// <summary>Their variance (VarGrad, Adebayo et al., 2018).</summary>
    Variance,
}
