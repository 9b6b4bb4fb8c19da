using System.Globalization;
using MedExplain.Imaging.Geometry;

namespace MedExplain.Imaging.Dicom;

/// <summary>Where a DICOM image lies in the patient (PS3.3 C.7.6.2), in DICOM's LPS+ coordinates.</summary>
/// <param name="Position">Image Position (Patient): the centre of the first transmitted pixel.</param>
/// <param name="RowDirection">The direction of increasing column index.</param>
/// <param name="ColumnDirection">The direction of increasing row index.</param>
/// <param name="RowSpacing">Pixel Spacing [0]: the distance between rows.</param>
/// <param name="ColumnSpacing">Pixel Spacing [1]: the distance between columns.</param>
internal sealed record DicomGeometry(Vector3d Position, Vector3d RowDirection, Vector3d ColumnDirection, double RowSpacing, double ColumnSpacing)
{
    /// <summary>Gets the slice normal, row direction × column direction.</summary>
    public Vector3d Normal => Vector3d.Cross(RowDirection, ColumnDirection);

    /// <summary>Reads the geometry, noting what is missing.</summary>
    public static DicomGeometry Read(DicomDataset d, List<string> warnings)
    {
        double[]? orientation = d.Numbers(DicomTag.ImageOrientationPatient);
        Vector3d row = new(1, 0, 0), column = new(0, 1, 0);
        if (orientation is { Length: 6 })
        {
            row = new Vector3d(orientation[0], orientation[1], orientation[2]).Normalized;
            column = new Vector3d(orientation[3], orientation[4], orientation[5]).Normalized;
            if (Math.Abs(Vector3d.Dot(row, column)) > 1e-4)
            {
                warnings.Add("Image Orientation (Patient) has row and column directions that are not orthogonal.");
            }
        }
        else
        {
            warnings.Add("has no Image Orientation (Patient); assuming rows along x and columns along y.");
        }

        double[]? spacing = d.Numbers(DicomTag.PixelSpacing);
        if (spacing is not { Length: 2 })
        {
            spacing = d.Numbers(DicomTag.ImagerPixelSpacing);
            warnings.Add(spacing is { Length: 2 }
                ? "has no Pixel Spacing; using Imager Pixel Spacing (at the detector, not the patient)."
                : "has no Pixel Spacing; assuming 1 mm pixels.");
            spacing = spacing is { Length: 2 } ? spacing : [1, 1];
        }

        double[]? position = d.Numbers(DicomTag.ImagePositionPatient);
        return new DicomGeometry(position is { Length: 3 } ? new Vector3d(position[0], position[1], position[2]) : default, row, column, spacing[0], spacing[1]);
    }

    /// <summary>Gets the distance of this slice along the normal, for sorting a series.</summary>
    public double Along(Vector3d normal) => Vector3d.Dot(normal, Position);

    /// <summary>Gets the RAS+ affine for (i = column, j = row, k) with <paramref name="sliceStep"/> the world step from one slice to the next.</summary>
    public Affine ToRas(Vector3d sliceStep) =>
        Affine.FromColumns(RowDirection * ColumnSpacing, ColumnDirection * RowSpacing, sliceStep, Position).FlipLpsRas();

    /// <summary>The world step from one slice of a sorted stack to the next: the mean over the stack, or the normal times
    /// <paramref name="singleSliceThickness"/> for a stack of one.</summary>
    public static Vector3d SliceStep(IReadOnlyList<DicomGeometry> sorted, double singleSliceThickness) =>
        sorted.Count > 1 ? (sorted[^1].Position - sorted[0].Position) * (1.0 / (sorted.Count - 1)) : sorted[0].Normal * singleSliceThickness;

    /// <summary>Notes what a sorted stack's affine cannot say: uneven spacing, and slices offset along their planes.</summary>
    public static void CheckStack(IReadOnlyList<DicomGeometry> sorted, List<string> warnings)
    {
        if (sorted.Count < 2)
        {
            return;
        }

        Vector3d normal = sorted[0].Normal;
        double[] gaps = [.. sorted.Zip(sorted.Skip(1), (a, b) => b.Along(normal) - a.Along(normal))];
        double mean = gaps.Average();
        if (gaps.Any(g => Math.Abs(g - mean) > Math.Max(0.01, 0.01 * mean)))
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"slice spacing is not uniform ({gaps.Min():0.###} to {gaps.Max():0.###} mm); the volume uses the mean step."));
        }

        Vector3d step = sorted[^1].Position - sorted[0].Position;
        double angle = Math.Acos(Math.Clamp(Vector3d.Dot(step.Normalized, normal), -1, 1)) * 180 / Math.PI;
        if (angle > 0.1)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"slices are offset along their planes (gantry tilt {angle:0.##}°); the affine keeps the shear."));
        }
    }
}
