using MedExplain.Imaging.Dicom;
using MedExplain.Imaging.Rendering;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Dicom;

/// <summary>What a viewer shows: our windowing, MONOCHROME1 inversion, colour conversion and JPEG baseline against dcmtk's renderings.</summary>
public sealed class DicomPresentationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [SkippableTheory]
    [InlineData("MONOCHROME2")]
    [InlineData("MONOCHROME1")]
    public void WindowedGreyMatchesDcm2pnm(string photometric)
    {
        var fixture = new DicomFixture
        {
            Rows = 16, Columns = 20, BitsStored = 12, IsSigned = true, Photometric = photometric,
            Stored = DicomFixture.RandomValues(320, 12, isSigned: true, seed: 9),
            ExtraLines = [@"(0028,1050) DS [100\-600]", @"(0028,1051) DS [900\1500]", @"(0028,1052) DS [-24]", @"(0028,1053) DS [0.5]"],
        };
        string file = fixture.Write(_temp, "grey");
        (int width, int height, _, byte[] expected) = Render(file, "+Wi", "1");

        MedicalImage image = DicomImageReader.Read(file);
        float[] gray = Windowing.ToGray(image.Voxels, image.Metadata.Windows[0], invert: image.Metadata.Photometric == "MONOCHROME1");

        Assert.Equal((20, 16), (width, height));
        AssertClose(expected, [.. gray.Select(g => (int)Math.Round(g * 255))], tolerance: 1);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void YbrFullBecomesTheRgbDcmtkShows(bool planar)
    {
        var fixture = new DicomFixture
        {
            Rows = 8, Columns = 10, BitsAllocated = 8, BitsStored = 8, SamplesPerPixel = 3, Photometric = "YBR_FULL", Modality = "US", Planar = planar,
            Stored = DicomFixture.RandomValues(240, 8, isSigned: false, seed: 5),
        };
        string file = fixture.Write(_temp, "ybr");
        (_, _, int channels, byte[] expected) = Render(file);

        MedicalImage image = DicomImageReader.Read(file);

        Assert.Equal(3, channels);
        Assert.Equal("RGB", image.Metadata.Photometric);
        // We round the PS3.3 formula; dcmtk truncates its own fixed-point form, so levels may differ by 2.
        AssertClose(expected, Interleaved(image), tolerance: 2);
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(3)]
    public void JpegBaselineDecodesLikeDcmtk(int samplesPerPixel)
    {
        // A smooth picture, as JPEG expects: lossy coding of noise would leave little to compare.
        long[] stored = [.. Enumerable.Range(0, 24 * 32 * samplesPerPixel).Select(n =>
        {
            int pixel = n / samplesPerPixel, x = pixel % 32, y = pixel / 32, c = n % samplesPerPixel;
            return (long)Math.Clamp(128 + (90 * Math.Sin((x / 5.0) + c) * Math.Cos(y / 7.0)), 0, 255);
        })];
        var fixture = new DicomFixture
        {
            Rows = 24, Columns = 32, BitsAllocated = 8, BitsStored = 8, SamplesPerPixel = samplesPerPixel, Modality = "OT",
            Photometric = samplesPerPixel == 1 ? "MONOCHROME2" : "RGB", Stored = stored,
        };
        string baseline = DicomFixture.Convert(_temp, fixture.Write(_temp, "picture"), "dcmcjpeg", "dcmtk", "+eb");
        string decodedByDcmtk = DicomFixture.Convert(_temp, baseline, "dcmdjpeg", "dcmtk");

        MedicalImage ours = DicomImageReader.Read(baseline);
        MedicalImage theirs = DicomImageReader.Read(decodedByDcmtk);

        Assert.Equal("1.2.840.10008.1.2.4.50", ours.Metadata.TransferSyntax);
        Assert.Equal(theirs.Dims, ours.Dims);
        Assert.Equal(samplesPerPixel, ours.Channels);
        AssertClose([.. theirs.Voxels.Select(v => (byte)v)], [.. ours.Voxels.Select(v => (int)v)], tolerance: 3);
    }

    private (int Width, int Height, int Channels, byte[] Samples) Render(string file, params string[] options)
    {
        ExternalTools.Require("dcm2pnm", "dcmtk");
        string output = _temp.File(Path.GetFileNameWithoutExtension(file) + ".pnm");
        ExternalTools.Run("dcm2pnm", [.. options, "+op", file, output]);
        return Netpbm.Read(output);
    }

    private static int[] Interleaved(MedicalImage image)
    {
        int count = image.VoxelsPerChannel;
        return [.. Enumerable.Range(0, count * image.Channels).Select(n => (int)image.Voxels[((n % image.Channels) * count) + (n / image.Channels)])];
    }

    private static void AssertClose(byte[] expected, int[] actual, int tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        int worst = expected.Select((e, n) => Math.Abs(e - actual[n])).Max();
        Assert.True(worst <= tolerance, $"largest difference {worst} grey levels (tolerance {tolerance})");
    }
}
