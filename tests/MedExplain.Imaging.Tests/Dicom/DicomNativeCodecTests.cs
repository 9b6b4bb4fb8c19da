using MedExplain.Imaging.Dicom;
using MedExplain.Imaging.Dicom.Codecs;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Dicom;

/// <summary>
/// JPEG-LS (CharLS), JPEG 2000 (OpenJPEG) and JPEG extended 12-bit (JpegLibrary) frames made by dcmtk and gdcm decode
/// to the stored values when lossless,
/// and to exactly what the reference tools' own decoders (dcmdjpls, gdcmconv --raw) give when lossy; broken streams are
/// a clear error.
/// </summary>
public sealed class DicomNativeCodecTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<int, bool, int> Depths() => new() { { 8, false, 8 }, { 12, true, 16 }, { 16, false, 16 }, { 16, true, 16 } };

    // gdcm's encoder needs at least 16 × 16 pixels (it crashes below), and writes signed multi-frame images not at all.
    public static TheoryData<int, bool, int, int> GdcmDepths() => new() { { 8, false, 8, 2 }, { 12, true, 16, 1 }, { 16, false, 16, 2 }, { 16, true, 16, 1 } };

    [SkippableTheory]
    [MemberData(nameof(Depths))]
    public void JpegLsLossless_GivesTheStoredValues_AsDcmtkDecodesThem(int bits, bool isSigned, int allocated)
    {
        DicomFixture fixture = Grey(bits, isSigned, allocated);
        string compressed = DicomFixture.Convert(_temp, fixture.Write(_temp, "grey"), "dcmcjpls", "dcmtk", "+el");

        MedicalImage image = DicomImageReader.Read(compressed);

        Assert.Equal("1.2.840.10008.1.2.4.80", image.Metadata.TransferSyntax);
        DicomTransferSyntaxTests.AssertValues(fixture, image, 1, 0);
        Assert.Equal(DicomImageReader.Read(DicomFixture.Convert(_temp, compressed, "dcmdjpls", "dcmtk")).Voxels, image.Voxels);
    }

    [SkippableTheory]
    [InlineData("+in")]
    [InlineData("+il")]
    [InlineData("+is")]
    public void JpegLsRgb_InEveryInterleaveMode_GivesTheStoredValues(string interleave)
    {
        DicomFixture fixture = Rgb();
        string compressed = DicomFixture.Convert(_temp, fixture.Write(_temp, "rgb"), "dcmcjpls", "dcmtk", "+el", interleave);

        DicomTransferSyntaxTests.AssertValues(fixture, DicomImageReader.Read(compressed), 1, 0);
    }

    [SkippableFact]
    public void JpegLsNearLossless_MatchesDcmtkAndStaysWithinItsBound()
    {
        DicomFixture fixture = Grey(12, false, 16);
        string compressed = DicomFixture.Convert(_temp, fixture.Write(_temp, "grey"), "dcmcjpls", "dcmtk", "+en", "+md", "3");

        MedicalImage image = DicomImageReader.Read(compressed);
        MedicalImage reference = DicomImageReader.Read(DicomFixture.Convert(_temp, compressed, "dcmdjpls", "dcmtk"));

        Assert.Equal("1.2.840.10008.1.2.4.81", image.Metadata.TransferSyntax);
        Assert.Equal(reference.Voxels, image.Voxels);
        float[] stored = [.. Enumerable.Range(0, fixture.Stored.Length).Select(n => (float)fixture.Stored[n])];
        Assert.True(Numerics.MaxAbsDifference(stored, image.Voxels) <= 3, "near-lossless error beyond NEAR = 3");
    }

    [SkippableFact]
    public void JpegLsByGdcm_GivesTheStoredValues()
    {
        DicomFixture fixture = Grey(16, false, 16, 16, 2);
        string compressed = DicomFixture.Convert(_temp, fixture.Write(_temp, "grey"), "gdcmconv", "libgdcm-tools", "--jpegls");

        DicomTransferSyntaxTests.AssertValues(fixture, DicomImageReader.Read(compressed), 1, 0);
    }

    [SkippableTheory]
    [MemberData(nameof(GdcmDepths))]
    public void Jpeg2000Lossless_GivesTheStoredValues_AsGdcmDecodesThem(int bits, bool isSigned, int allocated, int frames)
    {
        DicomFixture fixture = Grey(bits, isSigned, allocated, 16, frames);
        string compressed = DicomFixture.Convert(_temp, fixture.Write(_temp, "grey"), "gdcmconv", "libgdcm-tools", "--j2k");

        MedicalImage image = DicomImageReader.Read(compressed);

        Assert.Equal("1.2.840.10008.1.2.4.90", image.Metadata.TransferSyntax);
        DicomTransferSyntaxTests.AssertValues(fixture, image, 1, 0);
        Assert.Equal(DicomImageReader.Read(DicomFixture.Convert(_temp, compressed, "gdcmconv", "libgdcm-tools", "--raw")).Voxels, image.Voxels);
    }

    [SkippableFact]
    public void Jpeg2000Lossy_MatchesGdcmsDecodeExactly()
    {
        DicomFixture fixture = Grey(12, false, 16, 64, 1) with { Stored = Smooth(64, 64, 4095) };
        string compressed = DicomFixture.Convert(_temp, fixture.Write(_temp, "grey"), "gdcmconv", "libgdcm-tools", "--j2k", "--lossy", "--irreversible", "-q", "60");

        MedicalImage image = DicomImageReader.Read(compressed);
        MedicalImage reference = DicomImageReader.Read(DicomFixture.Convert(_temp, compressed, "gdcmconv", "libgdcm-tools", "--raw"));

        Assert.Equal("1.2.840.10008.1.2.4.91", image.Metadata.TransferSyntax);
        // gdcm keeps overshoots beyond 12 bits (4 726); we clamp them to the 12-bit range instead of wrapping them.
        Assert.Contains(reference.Voxels, v => v > 4095);
        Assert.Equal(reference.Voxels.Select(v => Math.Clamp(v, 0, 4095)), image.Voxels);
        // gdcm's -q asks for a peak signal-to-noise ratio against the 16-bit container (60 dB: an RMS error of about
        // 66); against this image's 12-bit peak that is about 36 dB.
        double rmse = Math.Sqrt(fixture.Stored.Select((v, n) => Math.Pow(v - image.Voxels[n], 2)).Average());
        double psnr = 20 * Math.Log10(4095 / rmse);
        Assert.True(psnr >= 33, $"PSNR {psnr:0.0} dB against the 12-bit peak");
    }

    [SkippableFact]
    public void Jpeg2000Rgb_UndoesTheColourTransformToTheStoredRgb()
    {
        DicomFixture fixture = Rgb(64);
        string compressed = DicomFixture.Convert(_temp, fixture.Write(_temp, "rgb"), "gdcmconv", "libgdcm-tools", "--j2k");

        MedicalImage image = DicomImageReader.Read(compressed);

        DicomTransferSyntaxTests.AssertValues(fixture, image, 1, 0);
    }

    [SkippableTheory]
    [InlineData(12, 16)]
    [InlineData(8, 8)]
    public void JpegExtended_DecodesAsDcmtkDoesWithinOneLevel(int bits, int allocated)
    {
        int max = (1 << bits) - 1;
        DicomFixture fixture = Grey(bits, false, allocated, 64, 1) with { Stored = Smooth(64, 64, max) };
        string compressed = DicomFixture.Convert(_temp, fixture.Write(_temp, "grey"), "dcmcjpeg", "dcmtk", "+ee");

        MedicalImage image = DicomImageReader.Read(compressed);
        MedicalImage reference = DicomImageReader.Read(DicomFixture.Convert(_temp, compressed, "dcmdjpeg", "dcmtk"));

        Assert.Equal("1.2.840.10008.1.2.4.51", image.Metadata.TransferSyntax);
        // The same coefficients through another inverse DCT (JpegLibrary's float one, libjpeg's integer one) differ by
        // rounding: at most one level.
        Assert.True(Numerics.MaxAbsDifference(reference.Voxels, image.Voxels) <= 1, $"max difference {Numerics.MaxAbsDifference(reference.Voxels, image.Voxels)}");
    }

    [SkippableTheory]
    [InlineData("dcmcjpls", "dcmtk", "+el")]
    [InlineData("gdcmconv", "libgdcm-tools", "--j2k")]
    [InlineData("dcmcjpeg", "dcmtk", "+ee")]
    public void ACutShortFrame_IsAClearErrorNamingTheFile(string tool, string package, string option)
    {
        DicomFixture fixture = Grey(16, false, 16, 32, 1);
        string compressed = DicomFixture.Convert(_temp, fixture.Write(_temp, "grey"), tool, package, option);
        DicomFile file = DicomFile.Read(compressed);
        byte[] stream = file.Dataset.Get(DicomTag.PixelData)!.Fragments![1].ToArray();
        byte[] cut = stream[..(stream.Length / 2)];

        var error = Assert.ThrowsAny<MedExplainInputException>(() => option switch
        {
            "+el" => JpegLsDecoder.Decode(cut, "cut.dcm", (32, 32, 1)),
            "+ee" => JpegExtendedDecoder.Decode(cut, "cut.dcm", (32, 32, 1)),
            _ => Jpeg2000Decoder.Decode(cut, "cut.dcm", (32, 32, 1)),
        });

        Assert.Equal("cut.dcm", error.FilePath);
    }

    [Fact]
    public void AMissingCodecLibrary_NamesTheDebianPackage()
    {
        var missing = new NativeCodecLibrary("JPEG-LS", "libcharls2", "libno-such-codec.so.0");

        var error = Assert.Throws<MedExplainInputException>(() => missing.Export("charls_jpegls_decoder_create", "scan.dcm"));

        Assert.Contains("apt-get install libcharls2", error.Message, StringComparison.Ordinal);
        Assert.Equal("scan.dcm", error.FilePath);
    }

    private static DicomFixture Grey(int bits, bool isSigned, int allocated, int side = 0, int frames = 2) => new()
    {
        Rows = side > 0 ? side : 7,
        Columns = side > 0 ? side : 9,
        Frames = frames,
        BitsAllocated = allocated,
        BitsStored = bits,
        IsSigned = isSigned,
        Modality = "MR",
        Stored = DicomFixture.RandomValues((side > 0 ? side * side : 7 * 9) * frames, bits, isSigned, seed: bits + (isSigned ? 100 : 0)),
    };

    private static DicomFixture Rgb(int side = 0) => new()
    {
        Rows = side > 0 ? side : 5,
        Columns = side > 0 ? side : 6,
        BitsAllocated = 8,
        BitsStored = 8,
        SamplesPerPixel = 3,
        Photometric = "RGB",
        Modality = "OT",
        Stored = DicomFixture.RandomValues((side > 0 ? side * side : 30) * 3, 8, isSigned: false, seed: 4),
    };

    /// <summary>A smooth image (what lossy coding is for), so its error is small.</summary>
    private static long[] Smooth(int rows, int columns, int max) =>
        [.. Enumerable.Range(0, rows * columns).Select(n => (long)(max / 2 * (1 + (Math.Sin(n % columns / 7.0) * Math.Cos(n / columns / 9.0)))))];
}
