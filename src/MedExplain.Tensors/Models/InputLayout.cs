namespace MedExplain.Models;

/// <summary>How a model lays out its image input.</summary>
public enum InputLayout
{
    /// <summary>Batch, channels, height, width: 2D images.</summary>
    NCHW,

    /// <summary>Batch, channels, depth, height, width: volumes.</summary>
    NCDHW,
}
