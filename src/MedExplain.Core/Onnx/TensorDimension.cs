namespace MedExplain.Onnx;

/// <summary>One dimension of a declared tensor shape: a fixed size, a named symbol, or unknown.</summary>
/// <param name="Size">The fixed size, or null when the dimension is symbolic or unknown.</param>
/// <param name="Symbol">The symbolic name (such as "batch"), or null.</param>
public readonly record struct TensorDimension(long? Size, string? Symbol)
{
    /// <summary>Gets a value indicating whether the dimension has a fixed size.</summary>
    public bool IsFixed => Size.HasValue;

    /// <inheritdoc/>
    public override string ToString() => Size?.ToString() ?? Symbol ?? "?";
}
