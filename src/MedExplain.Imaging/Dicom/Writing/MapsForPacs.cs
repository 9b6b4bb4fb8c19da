using MedExplain.Imaging.Rendering;

namespace MedExplain.Imaging.Dicom.Writing;

/// <summary>
/// Both DICOM renderings of one map for a PACS — a Secondary Capture series every viewer shows and a Parametric Map that
/// viewers overlay on the source — from the map on its scan's own voxels. The use case behind <c>explain --dicom-out</c>
/// and <c>convert --dicom-like</c>.
/// </summary>
public static class MapsForPacs
{
    /// <summary>Largest difference between the map's and the scan's affines, in millimetres, taken as the same grid.</summary>
    private const double SameGridTolerance = 1e-3;

    /// <summary>Writes the series (folder <c>NAME/</c>) and, for a scan placed in space, the Parametric Map
    /// (<c>NAME-parametric-map.dcm</c>).</summary>
    /// <param name="folder">Where to write.</param>
    /// <param name="name">The base name of what is written.</param>
    /// <param name="scan">The scan.</param>
    /// <param name="map">The map on the scan's voxels.</param>
    /// <param name="method">The method that made it.</param>
    /// <param name="scale">Its colours.</param>
    /// <param name="description">What it is ("grad-cam map of model X").</param>
    /// <param name="source">The scan's filing attributes, or null when it is not DICOM.</param>
    /// <param name="created">When the map was made.</param>
    /// <returns>The series folder, its image count, and the Parametric Map's path (null for a scan without geometry:
    /// PNG or NPY, whose frames could not be placed).</returns>
    public static (string Series, int Images, string? ParametricMap) Write(string folder, string name, MedicalImage scan, float[] map, string method, ColourScale scale, string description, DicomFilingAttributes? source, DateTimeOffset created)
    {
        string series = Path.Combine(folder, name);
        IReadOnlyList<string> images = SecondaryCaptureSeries.Write(series, scan, map, scale, description, source);
        string? parametric = scan.Metadata.HasGeometry
            ? ParametricMapWriter.Write(Path.Combine(folder, name + "-parametric-map.dcm"), scan, map, method, scale, description, source, created)
            : null;
        return (series, images.Count, parametric);
    }

    /// <summary>Reads a map file (as explain writes them: NIfTI with the scan's affine, or NPY of the scan's shape) and
    /// returns its values, refusing one that is not on the scan's own voxels: DICOM outputs are placed by the scan's
    /// geometry, so a map on another grid would be drawn in the wrong place.</summary>
    /// <param name="path">The map.</param>
    /// <param name="scan">The scan it explains.</param>
    /// <exception cref="MedExplainInputException">It has another size, another position, or several channels.</exception>
    public static float[] ReadOnScanGrid(string path, MedicalImage scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        MedicalImage map = MedicalImageReader.Read(path);
        if (map.Channels != 1 || !map.Dims.SequenceEqual(scan.Dims))
        {
            throw new MedExplainInputException(path, $"is a map of {string.Join("×", map.Dims)}×{map.Channels} values; the scan has {string.Join("×", scan.Dims)} voxels, one channel. Give the map explain wrote for this scan.");
        }

        if (map.Metadata.HasGeometry && scan.Metadata.HasGeometry && map.Affine.MaxDifference(scan.Affine) > SameGridTolerance)
        {
            throw new MedExplainInputException(path, $"lies elsewhere than the scan (its affine differs by {map.Affine.MaxDifference(scan.Affine):0.###} mm); DICOM outputs need the map on the scan's own voxels.");
        }

        return map.Voxels;
    }
}
