using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;

namespace MedExplain.Pipelines.Batch;

/// <summary>An item's output: the map as NIfTI on the scan's grid, written whole or not at all (a temporary name,
/// flushed to disk, renamed into place), its header naming the item's key so a re-run can tell it is this item's.</summary>
public static class BatchOutput
{
    private const string Mark = "MedExplain batch item ";

    /// <summary>Writes the map; returns its SHA-256.</summary>
    /// <param name="path">The output file.</param>
    /// <param name="onScan">The map on the scan's grid.</param>
    /// <param name="key">The item's key.</param>
    public static string Write(string path, MedicalImage onScan, string key)
    {
        ArgumentNullException.ThrowIfNull(onScan);
        NiftiWriter.Write(path, onScan, description: Mark + key);
        return BatchJob.Hash(File.ReadAllBytes(path));
    }

    /// <summary>Whether <paramref name="path"/> is a whole output of the item with <paramref name="key"/>.</summary>
    /// <param name="path">The output file.</param>
    /// <param name="key">The item's key.</param>
    public static bool CarriesKey(string path, string key)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            return NiftiReader.ReadHeader(path).Description == Mark + key;
        }
        catch (Exception e) when (e is MedExplainInputException or InvalidDataException or IOException)
        {
            return false;
        }
    }

    /// <summary>Deletes what workers killed mid-write left (temporary files never renamed into place).</summary>
    /// <param name="folder">The job's output folder.</param>
    /// <returns>How many were deleted.</returns>
    public static int DeleteLeftovers(string folder)
    {
        string maps = Path.Combine(folder, "maps");
        if (!Directory.Exists(maps))
        {
            return 0;
        }

        string[] partial = Directory.GetFiles(maps, "*.partial");
        foreach (string file in partial)
        {
            File.Delete(file);
        }

        return partial.Length;
    }
}
