namespace MedExplain.Onnx;

/// <summary>A graph input or output as the model declares it.</summary>
/// <param name="Name">The tensor name.</param>
/// <param name="ElementType">The element type, lower case as ONNX spells it (float, int64, …).</param>
/// <param name="Dimensions">The declared dimensions; empty when the model declares no shape.</param>
public sealed record TensorInfo(string Name, string ElementType, IReadOnlyList<TensorDimension> Dimensions)
{
    /// <summary>Gets the number of declared dimensions.</summary>
    public int Rank => Dimensions.Count;

    /// <summary>Formats the shape as (batch, 1, 128, 128).</summary>
    public string FormatShape() => "(" + string.Join(", ", Dimensions) + ")";
}
