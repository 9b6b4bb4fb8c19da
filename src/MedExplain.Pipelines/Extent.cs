using System.Globalization;

namespace MedExplain.Pipelines;

/// <summary>A size per spatial axis (one for all axes, or one each), in voxels of the model grid or in millimetres,
/// which become voxels once the model grid's spacing is known: an occlusion window or stride.</summary>
/// <param name="Axes">The sizes; each may be in voxels or millimetres.</param>
public sealed record Extent(IReadOnlyList<AxisSize> Axes)
{
    /// <summary>Parses "8", "4,8,8" or "10mm" (each part may end in mm).</summary>
    /// <param name="text">The text.</param>
    /// <param name="parameter">The parameter it came from, for messages.</param>
    /// <exception cref="MedExplainInputException">A part is not a positive number.</exception>
    public static Extent Parse(string text, string parameter)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Extent([.. text.Split(',', StringSplitOptions.TrimEntries).Select(part =>
        {
            bool millimetres = part.EndsWith("mm", StringComparison.OrdinalIgnoreCase);
            string number = millimetres ? part[..^2] : part;
            return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && double.IsFinite(value)
                ? new AxisSize(value, millimetres)
                : throw new MedExplainParameterException(parameter, $"'{part}' is not a positive size (voxels, or millimetres with mm).");
        })]);
    }

    /// <summary>The sizes in voxels, in array order.</summary>
    /// <param name="rank">The number of spatial axes.</param>
    /// <param name="spacing">Millimetres per voxel in array order, or null when the input has no geometry (1 mm assumed).</param>
    /// <param name="parameter">The parameter it came from, for messages.</param>
    /// <exception cref="MedExplainInputException">Neither one size nor one per axis.</exception>
    public int[] ToVoxels(int rank, IReadOnlyList<double>? spacing, string parameter)
    {
        if (Axes.Count != 1 && Axes.Count != rank)
        {
            throw new MedExplainParameterException(parameter, $"gives {Axes.Count} sizes; give one, or {rank} (one per spatial axis).");
        }

        return [.. Enumerable.Range(0, rank).Select(axis =>
        {
            AxisSize size = Axes.Count == 1 ? Axes[0] : Axes[axis];
            return size.Millimetres ? Math.Max(1, (int)Math.Round(size.Value / (spacing?[axis] ?? 1))) : (int)Math.Round(size.Value);
        })];
    }
}

/// <summary>One axis's size.</summary>
/// <param name="Value">The size.</param>
/// <param name="Millimetres">Whether it is in millimetres (else voxels).</param>
public readonly record struct AxisSize(double Value, bool Millimetres);
