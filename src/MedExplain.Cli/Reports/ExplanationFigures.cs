using MedExplain.Imaging.Rendering;

namespace MedExplain.Cli.Reports;

/// <summary>The pictures of one explanation and how they were drawn, for its report section.</summary>
/// <param name="Overview">The PNG of the scan beside every method's map.</param>
/// <param name="Panels">One PNG per method, in the order of the explanation's maps.</param>
/// <param name="Scales">Each method's colour scale, in the same order.</param>
/// <param name="Convention">How the planes are drawn (convention, markers, aspect).</param>
/// <param name="Through">For a volume, what the planes go through; null for a 2D scan.</param>
/// <param name="SharedScales">Which methods share a colour scale, or null when each has its own.</param>
internal sealed record ExplanationFigures(byte[] Overview, IReadOnlyList<byte[]> Panels, IReadOnlyList<ColourScale> Scales, string Convention, string? Through, string? SharedScales)
{
    /// <summary>Gets, per method, the PNG of its map's spread across samples and that picture's colour scale, or null
    /// for a map without a measured spread.</summary>
    public IReadOnlyList<(byte[] Png, ColourScale Scale)?> Spreads { get; init; } = [];

    /// <summary>Gets the PNG of the similar cases beside the query, or null when no index was given.</summary>
    public byte[]? SimilarCases { get; init; }
}
