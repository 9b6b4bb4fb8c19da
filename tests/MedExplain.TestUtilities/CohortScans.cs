using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;

namespace MedExplain.TestUtilities;

/// <summary>A cohort for batch tests: seeded variants of the demo's tumour slice (its brightness and noise changed), so
/// every scan, and so every item's key and map, differs.</summary>
public static class CohortScans
{
    /// <summary>Writes <paramref name="count"/> scans as <c>scan-NNNN.nii.gz</c> into <paramref name="folder"/>.</summary>
    /// <returns>The folder.</returns>
    public static string Write(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        MedicalImage slice = MedicalImageReader.Read(RepoPaths.DemoScan("2d/slice-02-tumour.nii.gz"));
        for (int n = 0; n < count; n++)
        {
            var random = new Random(n);
            float gain = 0.8f + (0.4f * (float)random.NextDouble());
            NiftiWriter.Write(Path.Combine(folder, $"scan-{n:0000}.nii.gz"), slice.WithVoxels([.. slice.Voxels.Select(v => (v * gain) + (float)(random.NextDouble() * 5))]));
        }

        return folder;
    }
}
