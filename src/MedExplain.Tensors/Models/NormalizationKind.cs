namespace MedExplain.Models;

/// <summary>The intensity transform a model expects before its input.</summary>
public enum NormalizationKind
{
    /// <summary>Values go in as they are.</summary>
    None,

    /// <summary>Subtract the mean and divide by the standard deviation: per image, or with fixed statistics.</summary>
    ZScore,

    /// <summary>Rescale each image's minimum to 0 and maximum to 1.</summary>
    MinMax,

    /// <summary>Clip to a fixed window (such as CT Hounsfield units) and map it to [0, 1].</summary>
    Window,
}
