using System.Globalization;
using MedExplain.Imaging.Dicom;
using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Nifti;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Dicom;

/// <summary>A folder of slices becomes a volume sorted by position along the normal, never by file name or Instance Number.</summary>
public sealed class DicomSeriesTests : IDisposable
{
    private static readonly Vector3d Row = new(0.8660254, 0.5, 0), Column = new(0, 0, -1); // a coronal-oblique stack
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public void SlicesSortAlongTheNormalWhateverTheirNamesAndNumbers()
    {
        (string folder, DicomFixture[] bySlice) = WriteSeries("series", "1.2.3.100", count: 5, spacing: 2.5);

        MedicalImage volume = DicomSeriesReader.Read(folder);

        Assert.Equal([4, 3, 5], volume.Dims);
        for (int k = 0; k < 5; k++)
        {
            for (int n = 0; n < 12; n++)
            {
                Assert.Equal(bySlice[k].Stored[n] - 1000f, volume.Voxels[(k * 12) + n]);
            }
        }

        Vector3d normal = Vector3d.Cross(Row, Column);
        Affine expected = Affine.FromColumns(Row * 0.9, Column * 0.6, normal * 2.5, Position(0, normal, 2.5)).FlipLpsRas();
        Assert.True(expected.MaxDifference(volume.Affine) < 1e-4, volume.Affine.ToString());
        Assert.Empty(volume.Metadata.Warnings);
    }

    [SkippableFact]
    public void MixedSeriesAreSplitAndTheUserChooses()
    {
        (string folder, _) = WriteSeries("mixed", "1.2.3.100", count: 3, spacing: 2);
        WriteSeries("mixed", "1.2.3.200", count: 4, spacing: 3);

        var error = Assert.Throws<MedExplainInputException>(() => DicomSeriesReader.Read(folder));
        Assert.Contains("2 series", error.Message, StringComparison.Ordinal);
        Assert.Contains("1.2.3.200", error.Message, StringComparison.Ordinal);

        Assert.Equal(4, DicomSeriesReader.Read(folder, "1.2.3.200").Dims[2]);
        Assert.Equal([3, 4], DicomSeriesReader.Scan(folder).Select(s => s.Images));
    }

    [SkippableFact]
    public void SeriesToNiftiAndBackKeepsVoxelsAndGeometry()
    {
        (string folder, _) = WriteSeries("roundtrip", "1.2.3.100", count: 4, spacing: 1.25);
        MedicalImage series = DicomSeriesReader.Read(folder);

        NiftiWriter.Write(_temp.File("series.nii.gz"), series);
        MedicalImage back = NiftiReader.Read(_temp.File("series.nii.gz"));

        Assert.Equal(series.Dims, back.Dims);
        Assert.Equal(series.Voxels, back.Voxels);
        Assert.True(series.Affine.MaxDifference(back.Affine) < 1e-4);
    }

    [SkippableFact]
    public void UnevenGapsAndTiltAreReported()
    {
        (string folder, _) = WriteSeries("tilted", "1.2.3.100", count: 4, spacing: 2, tilt: 0.3, gapAfter: 1);

        MedicalImage volume = DicomSeriesReader.Read(folder);

        Assert.Contains(volume.Metadata.Warnings, w => w.Contains("not uniform", StringComparison.Ordinal));
        Assert.Contains(volume.Metadata.Warnings, w => w.Contains("gantry tilt", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void ABrokenSliceIsReportedAsBadInputNamingIt()
    {
        (string folder, _) = WriteSeries("broken", "1.2.3.100", count: 3, spacing: 2);
        string victim = Directory.GetFiles(folder)[1];
        byte[] bytes = File.ReadAllBytes(victim);
        File.WriteAllBytes(victim, bytes[..^7]);

        var error = Assert.Throws<MedExplainInputException>(() => DicomSeriesReader.Read(folder));

        Assert.Equal(victim, error.FilePath);
    }

    private static Vector3d Position(int slice, Vector3d normal, double spacing, double tilt = 0) =>
        new Vector3d(-20, 35, 60) + (normal * (slice * spacing)) + (Row * (slice * tilt));

    /// <summary>Writes slices in a shuffled file order, with Instance Numbers running against position.</summary>
    private (string Folder, DicomFixture[] BySlice) WriteSeries(string name, string seriesUid, int count, double spacing, double tilt = 0, int gapAfter = -1)
    {
        string folder = Path.Combine(_temp.Path, name);
        Directory.CreateDirectory(folder);
        Vector3d normal = Vector3d.Cross(Row, Column);
        var bySlice = new DicomFixture[count];
        int[] fileOrder = [.. Enumerable.Range(0, count).OrderBy(k => (k * 7919) % count)];
        for (int k = 0; k < count; k++)
        {
            Vector3d p = Position(k, normal, spacing, tilt) + (k > gapAfter && gapAfter >= 0 ? normal * 1.5 : default);
            bySlice[k] = new DicomFixture
            {
                Rows = 3, Columns = 4, BitsStored = 12, Modality = "CT",
                Stored = DicomFixture.RandomValues(12, 12, isSigned: false, seed: (k * 31) + seriesUid.Length),
                ExtraLines =
                [
                    $"(0020,000e) UI [{seriesUid}]",
                    string.Create(CultureInfo.InvariantCulture, $"(0020,0013) IS [{count - k}]"),
                    string.Create(CultureInfo.InvariantCulture, $@"(0020,0032) DS [{p.X:R}\{p.Y:R}\{p.Z:R}]"),
                    string.Create(CultureInfo.InvariantCulture, $@"(0020,0037) DS [{Row.X}\{Row.Y}\{Row.Z}\{Column.X}\{Column.Y}\{Column.Z}]"),
                    @"(0028,0030) DS [0.6\0.9]",
                    "(0028,1052) DS [-1000]",
                    "(0028,1053) DS [1]",
                ],
            };
            string file = bySlice[k].Write(_temp, $"{name}-{seriesUid}-{k}");
            File.Move(file, Path.Combine(folder, $"{seriesUid}-IM{fileOrder[k]:D4}"));
        }

        return (folder, bySlice);
    }
}
