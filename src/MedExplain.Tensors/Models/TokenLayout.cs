namespace MedExplain.Models;

/// <summary>How a vision transformer lays out its tokens: <paramref name="Prefix"/> tokens that are not patches (class,
/// distillation, registers) come first, the class token (if any) at index 0, then one token per patch in row-major order
/// over <paramref name="Grid"/>.</summary>
/// <param name="Prefix">The number of tokens before the patches; 0 for a model that pools all tokens.</param>
/// <param name="Grid">The patch grid, (rows, columns) or (slices, rows, columns).</param>
public sealed record TokenLayout(int Prefix, IReadOnlyList<int> Grid)
{
    /// <summary>Gets the number of patch tokens.</summary>
    public int Patches => Grid.Aggregate(1, (product, size) => product * size);

    /// <summary>Gets the number of tokens in all.</summary>
    public int Tokens => Prefix + Patches;
}
