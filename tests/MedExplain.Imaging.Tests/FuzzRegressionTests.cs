using MedExplain.Imaging.Dicom;
using MedExplain.Imaging.Nifti;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests;

/// <summary>Every input the fuzzer (fuzz/run.sh) found to crash or hang a reader: each must now read or give a clear error.</summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string, string> Findings()
    {
        var data = new TheoryData<string, string>();
        foreach (string reader in new[] { "dicom", "nifti", "npy", "npz", "png" })
        {
            string folder = RepoPaths.TestData(Path.Combine("fuzz", reader));
            string[] files = Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
            foreach (string file in files.Order(StringComparer.Ordinal))
            {
                data.Add(reader, Path.GetFileName(file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Findings))]
    public async Task FindingReadsOrGivesAClearError(string reader, string name)
    {
        string path = RepoPaths.TestData(Path.Combine("fuzz", reader, name));
        var run = Task.Run(() =>
        {
            try
            {
                _ = reader switch
                {
                    "dicom" => DicomImageReader.Read(path),
                    "nifti" => NiftiReader.Read(path),
                    "npy" => MedicalImageReader.FromArray(MedExplain.Imaging.Npy.NpyReader.Read(path), path, "NPY", "float32"),
                    "npz" => (object)MedExplain.Imaging.Npy.NpzArchive.Read(path),
                    _ => MedExplain.Imaging.Raster.RasterReader.Read(path),
                };
            }
            catch (MedExplainInputException e)
            {
                Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
            }
        });

        // A reader that still hangs fails here instead of stalling the suite.
        await run.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
