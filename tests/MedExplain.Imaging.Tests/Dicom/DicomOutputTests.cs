using MedExplain.Imaging.Dicom;
using MedExplain.Imaging.Dicom.Writing;
using MedExplain.Imaging.Rendering;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Dicom;

/// <summary>
/// The Secondary Capture series MedExplain writes for PACS pass dicom3tools' validator (dciodvfy) without errors, read
/// back with dcmtk and with our reader, and are filed in the source's study and patient — identity passed through to the
/// DICOM objects only.
/// </summary>
public sealed class DicomOutputTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public void SecondaryCaptureOfADicomScan_IsValidAndFiledInTheSourceStudy()
    {
        ExternalTools.Require("dciodvfy", "dicom3tools");
        DicomFixture fixture = Source(40, 30, 2, @"(0020,0032) DS [0\0\0]", @"(0020,0037) DS [1\0\0\0\1\0]", @"(0028,0030) DS [0.8\0.5]");
        string source = fixture.Write(_temp, "ct");
        MedicalImage scan = DicomImageReader.Read(source);
        float[] map = [.. Enumerable.Range(0, scan.Voxels.Length).Select(n => (float)Math.Sin(n / 50.0))];

        IReadOnlyList<string> files = SecondaryCaptureSeries.Write(_temp.File("sc"), scan, map, ColourScale.Of([map], carriesSign: true), "gradient map of model test", DicomFilingAttributes.Read(source));

        Assert.Equal(2, files.Count);
        foreach (string file in files)
        {
            string[] errors = [.. Validate(file).Where(l => l.StartsWith("Error", StringComparison.Ordinal))];
            Assert.True(errors.Length == 0, string.Join('\n', errors));
            MedicalImage back = DicomImageReader.Read(file);
            Assert.Equal(3, back.Channels);
            Assert.True(back.Dims[0] >= 512 || back.Dims[1] >= 512, "slices are enlarged to be legible");
            string dump = ExternalTools.Run("dcmdump", file);
            ExternalTools.Require("gdcminfo", "libgdcm-tools");
            Assert.Contains("Secondary Capture", ExternalTools.Run("gdcminfo", file), StringComparison.Ordinal);
            Assert.Contains("[1.2.3.4.5.6.7.8]", dump, StringComparison.Ordinal); // the source's study
            Assert.Contains("[Doe^Jane]", dump, StringComparison.Ordinal);        // filed under its patient
            Assert.Contains("(0028,0301) CS [YES]", dump, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void SecondaryCaptureOfAScanWithoutDicomSource_StartsAStudyWithEmptyPatientFields()
    {
        ExternalTools.Require("dciodvfy", "dicom3tools");
        var scan = new MedicalImage([16, 16, 1], 1, [.. Enumerable.Range(0, 256).Select(n => (float)n)], MedExplain.Imaging.Geometry.Affine.Identity,
            new ImageMetadata { Format = "PNG", Source = "x.png", DataType = "uint8", HasGeometry = false });

        IReadOnlyList<string> files = SecondaryCaptureSeries.Write(_temp.File("png-sc"), scan, new float[256], new ColourScale(1, Diverging: false), "grad-cam map of model test", null);

        string[] errors = [.. Validate(files[0]).Where(l => l.StartsWith("Error", StringComparison.Ordinal))];
        Assert.True(errors.Length == 0, string.Join('\n', errors));
    }

    [SkippableFact]
    public void ParametricMapOfADicomScan_IsValidAndHoldsTheValuesOnTheSourceGeometry()
    {
        ExternalTools.Require("dciodvfy", "dicom3tools");
        DicomFixture fixture = Source(
            6, 5, 3, @"(0020,0052) UI [1.2.3.4.5.6.7.9]", @"(0020,0032) DS [-10\20\30]",
            @"(0020,0037) DS [0.8660254\0.5\0\-0.5\0.8660254\0]", @"(0028,0030) DS [0.8\0.5]", @"(0018,0088) DS [2.5]");
        string source = fixture.Write(_temp, "ct");
        MedicalImage scan = DicomImageReader.Read(source);
        float[] map = [.. Enumerable.Range(0, scan.Voxels.Length).Select(n => (float)(Math.Sin(n) * 1e-3))];

        string file = ParametricMapWriter.Write(_temp.File("map.dcm"), scan, map, "integrated-gradients", ColourScale.Of([map], carriesSign: true), "integrated-gradients map of model test", DicomFilingAttributes.Read(source), new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

        string[] errors = [.. Validate(file).Where(l => l.StartsWith("Error", StringComparison.Ordinal))];
        Assert.True(errors.Length == 0, string.Join('\n', errors));
        string dump = ExternalTools.Run("dcmdump", file);
        Assert.Contains("[1.2.3.4.5.6.7.9]", dump, StringComparison.Ordinal); // the source's frame of reference
        // gdcm 3.0's gdcminfo does not know the Parametric Map SOP class ("Unknown MediaStorage"); its dump parses it.
        ExternalTools.Require("gdcmdump", "libgdcm-tools");
        Assert.Contains("(7fe0,0008) OF", ExternalTools.Run("gdcmdump", file), StringComparison.Ordinal);

        // Read back: the same floats, and every voxel at the same patient coordinate as the source's.
        MedicalImage back = DicomImageReader.Read(file);
        Assert.Equal(map, back.Voxels);
        Assert.Equal(scan.Dims, back.Dims);
        Assert.True(scan.Affine.MaxDifference(back.Affine) < 1e-4, $"{back.Affine} vs the source's {scan.Affine}");
        Assert.Equal("float32", back.Metadata.DataType);

        // The palette is the figures' diverging map for this signed method: white at its middle entry (zero).
        DicomDataset written = DicomFile.Read(file).Dataset;
        int[] red = written.UnsignedShorts(new DicomTag(0x0028, 0x1201)), blue = written.UnsignedShorts(new DicomTag(0x0028, 0x1203));
        Assert.Equal(256, red.Length);
        Assert.True(red[128] > 60000 && blue[128] > 60000 && red[255] > 50000 && blue[255] < 15000, $"middle ({red[128]}, {blue[128]}), top ({red[255]}, {blue[255]})");
    }

    [SkippableFact]
    public void FilingAttributes_OfADicomScanShowNoneOfItsIdentityWhenPrinted_AndAScanThatIsNotDicomHasNone()
    {
        string source = Source(4, 4, 1).Write(_temp, "named");
        DicomFilingAttributes filing = DicomFilingAttributes.Read(source)!;

        Assert.Contains("[Doe^Jane]", ExternalTools.Run("dcmdump", source), StringComparison.Ordinal); // the name is there to leak
        Assert.DoesNotContain("Doe", filing.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("PATIENT-ID", filing.ToString(), StringComparison.Ordinal);
        Assert.Null(DicomFilingAttributes.Read(_temp.Write("not-dicom.txt", "x"u8.ToArray())));
    }

    [Fact]
    public void ParametricMapOfAScanWithoutGeometry_IsRefusedRatherThanPlacedAnywhere()
    {
        var scan = new MedicalImage([4, 4, 1], 1, new float[16], MedExplain.Imaging.Geometry.Affine.Identity,
            new ImageMetadata { Format = "PNG", Source = "x.png", DataType = "uint8", HasGeometry = false });

        var error = Assert.Throws<MedExplainInputException>(() => ParametricMapWriter.Write(_temp.File("pm.dcm"), scan, new float[16], "gradient", new ColourScale(1, Diverging: true), "gradient map", null, DateTimeOffset.UnixEpoch));

        Assert.Contains("no position in space", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.File("pm.dcm")));
    }

    /// <summary>A 12-bit source image in study 1.2.3.4.5.6.7.8, with the geometry lines given.</summary>
    private static DicomFixture Source(int rows, int columns, int frames, params string[] geometry) => new()
    {
        Rows = rows,
        Columns = columns,
        Frames = frames,
        Stored = DicomFixture.RandomValues(rows * columns * frames, 12, isSigned: false, seed: frames),
        BitsStored = 12,
        ExtraLines = [@"(0020,000d) UI [1.2.3.4.5.6.7.8]", .. geometry],
    };

    private static string[] Validate(string file)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dciodvfy") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(file);
        using var process = System.Diagnostics.Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
