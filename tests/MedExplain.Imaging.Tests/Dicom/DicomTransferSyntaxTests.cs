using MedExplain.Imaging.Dicom;
using MedExplain.Imaging.Geometry;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Dicom;

/// <summary>Files made by dcmtk and gdcm in every supported transfer syntax decode to the stored values they were made from.</summary>
public sealed class DicomTransferSyntaxTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static DicomFixture SignedCt => new()
    {
        Rows = 5,
        Columns = 6,
        Frames = 2,
        BitsStored = 12,
        IsSigned = true,
        HighGarbage = 0xA,
        Stored = DicomFixture.RandomValues(60, 12, isSigned: true, seed: 1),
        ExtraLines =
        [
            @"(0020,0032) DS [-100\-120.5\35.25]",
            @"(0020,0037) DS [0.8660254\0.5\0\-0.5\0.8660254\0]",
            @"(0018,0088) DS [2.5]",
            @"(0028,0030) DS [0.7\0.8]",
            @"(0028,1050) DS [40\-600]",
            @"(0028,1051) DS [400\1500]",
            @"(0028,1055) LO [BRAIN\LUNG]",
            @"(0028,1052) DS [-1024]",
            @"(0028,1053) DS [1.5]",
        ],
    };

    [SkippableTheory]
    [InlineData("explicit-le", "1.2.840.10008.1.2.1")]
    [InlineData("+ti", "1.2.840.10008.1.2")]
    [InlineData("+tb", "1.2.840.10008.1.2.2")]
    [InlineData("+td", "1.2.840.10008.1.2.1.99")]
    public void NativeSyntaxesGiveTheStoredValuesRescaled(string conversion, string syntax)
    {
        DicomFixture fixture = SignedCt;
        string file = fixture.Write(_temp, "ct");
        if (conversion != "explicit-le")
        {
            file = DicomFixture.Convert(_temp, file, "dcmconv", "dcmtk", conversion);
        }

        MedicalImage image = DicomImageReader.Read(file);

        Assert.Equal(syntax, image.Metadata.TransferSyntax);
        AssertValues(fixture, image, slope: 1.5, intercept: -1024);
        Assert.Equal("CT", image.Metadata.Modality);
        Assert.Equal("int16", image.Metadata.DataType);
        Assert.Equal([new DisplayWindow(40, 400), new DisplayWindow(-600, 1500)], image.Metadata.Windows);
        Assert.Equal(@"BRAIN\LUNG", image.Metadata.FreeText["windowExplanation"]);
    }

    [SkippableFact]
    public void GeometryFollowsPixelSpacingOrderAndConvertsLpsToRas()
    {
        MedicalImage image = DicomImageReader.Read(SignedCt.Write(_temp, "ct"));

        // Column step = row direction × column spacing (0.8); row step = column direction × row spacing (0.7); LPS → RAS negates x and y.
        var expected = Affine.FromColumns(
            new Vector3d(-0.8660254 * 0.8, -0.5 * 0.8, 0),
            new Vector3d(0.5 * 0.7, -0.8660254 * 0.7, 0),
            new Vector3d(0, 0, 2.5),
            new Vector3d(100, 120.5, 35.25));
        Assert.True(expected.MaxDifference(image.Affine) < 1e-6, image.Affine.ToString());
        Assert.Equal([6, 5, 2], image.Dims);
    }

    [SkippableFact]
    public void PatientIdentityNeverReachesTheMetadata()
    {
        MedicalImage image = DicomImageReader.Read(SignedCt.Write(_temp, "ct"));
        string everything = string.Join("|", image.Metadata.Properties.Select(p => p.Key + "=" + p.Value)) + image.Metadata.Modality;
        Assert.DoesNotContain("Doe", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("PATIENT-ID", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("1970", everything, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("dcmcrle", new string[0])]
    [InlineData("dcmcjpeg", new[] { "+e1" })]
    [InlineData("dcmcjpeg", new[] { "+el", "+sv", "1" })]
    [InlineData("dcmcjpeg", new[] { "+el", "+sv", "4" })]
    [InlineData("dcmcjpeg", new[] { "+el", "+sv", "6" })]
    [InlineData("dcmcjpeg", new[] { "+el", "+sv", "7" })]
    public void LosslessCodecsGiveTheStoredValues(string tool, string[] options)
    {
        DicomFixture fixture = SignedCt;
        string compressed = DicomFixture.Convert(_temp, fixture.Write(_temp, "ct"), tool, "dcmtk", options);

        MedicalImage image = DicomImageReader.Read(compressed);
        string decodedByDcmtk = DicomFixture.Convert(_temp, compressed, tool == "dcmcrle" ? "dcmdrle" : "dcmdjpeg", "dcmtk");

        Assert.NotEqual("1.2.840.10008.1.2.1", image.Metadata.TransferSyntax);
        AssertValues(fixture, image, slope: 1.5, intercept: -1024);
        Assert.Equal(DicomImageReader.Read(decodedByDcmtk).Voxels, image.Voxels);
    }

    [SkippableFact]
    public void JpegLossless_CutShort_IsTruncatedNotHalfAnImage()
    {
        var fixture = new DicomFixture { Rows = 32, Columns = 32, BitsStored = 12, Stored = DicomFixture.RandomValues(32 * 32, 12, isSigned: false, seed: 5) };
        string compressed = DicomFixture.Convert(_temp, fixture.Write(_temp, "image"), "dcmcjpeg", "dcmtk", "+e1");
        byte[] stream = DicomFile.Read(compressed).Dataset.Get(DicomTag.PixelData)!.Fragments![1].ToArray();
        int scan = Enumerable.Range(0, stream.Length - 1).First(i => stream[i] == 0xFF && stream[i + 1] == 0xDA);
        byte[] cut = [.. stream[..(scan + ((stream.Length - scan) / 2))], 0xFF, 0xD9]; // half the entropy-coded data, then EOI

        Assert.Equal(32 * 32, MedExplain.Imaging.Dicom.Codecs.JpegLosslessDecoder.Decode(stream, "whole", (32, 32, 1)).Samples.Length);
        var error = Assert.Throws<MedExplainInputException>(() => MedExplain.Imaging.Dicom.Codecs.JpegLosslessDecoder.Decode(cut, "cut.dcm", (32, 32, 1)));
        Assert.Contains("is truncated", error.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(8, false)]
    [InlineData(16, false)]
    [InlineData(16, true)]
    public void RleAndJpegLosslessAtOtherDepths(int bits, bool isSigned)
    {
        var fixture = new DicomFixture { BitsAllocated = bits, BitsStored = bits, IsSigned = isSigned, Rows = 7, Columns = 9, Stored = DicomFixture.RandomValues(63, bits, isSigned, seed: bits) };
        string file = fixture.Write(_temp, "image");
        foreach (string compressed in new[] { DicomFixture.Convert(_temp, file, "dcmcrle", "dcmtk"), DicomFixture.Convert(_temp, file, "dcmcjpeg", "dcmtk", "+e1") })
        {
            AssertValues(fixture, DicomImageReader.Read(compressed), 1, 0);
        }
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void RgbEitherPlanarConfigurationNativeAndRle(bool planar)
    {
        var fixture = new DicomFixture
        {
            BitsAllocated = 8, BitsStored = 8, SamplesPerPixel = 3, Photometric = "RGB", Planar = planar, Modality = "OT", Frames = 2,
            Stored = DicomFixture.RandomValues(5 * 6 * 3 * 2, 8, isSigned: false, seed: 4),
        };
        string file = fixture.Write(_temp, "rgb");
        foreach (string path in new[] { file, DicomFixture.Convert(_temp, file, "dcmcrle", "dcmtk") })
        {
            MedicalImage image = DicomImageReader.Read(path);
            Assert.Equal(3, image.Channels);
            AssertValues(fixture, image, 1, 0);
        }
    }

    [SkippableFact]
    public void GePrivateSyntax_ReadsTheLittleEndianDataSetAndTheBigEndianPixels()
    {
        DicomFixture fixture = SignedCt;
        string implicitLe = DicomFixture.Convert(_temp, fixture.Write(_temp, "ct"), "dcmconv", "dcmtk", "+ti");
        byte[] bytes = File.ReadAllBytes(implicitLe);
        // GE's syntax UID is as long as the implicit one padded (18 bytes), so the file meta keeps its length.
        byte[] implicitUid = "1.2.840.10008.1.2\0"u8.ToArray(), geUid = "1.2.840.113619.5.2"u8.ToArray();
        int uid = bytes.AsSpan().IndexOf(implicitUid);
        geUid.CopyTo(bytes, uid);
        int pixels = bytes.AsSpan().LastIndexOf(new byte[] { 0xE0, 0x7F, 0x10, 0x00 }) + 8;
        for (int n = pixels; n + 1 < bytes.Length; n += 2)
        {
            (bytes[n], bytes[n + 1]) = (bytes[n + 1], bytes[n]);
        }

        string ge = _temp.File("ge.dcm");
        File.WriteAllBytes(ge, bytes);

        MedicalImage image = DicomImageReader.Read(ge);

        Assert.Equal("1.2.840.113619.5.2", image.Metadata.TransferSyntax);
        AssertValues(fixture, image, slope: 1.5, intercept: -1024);
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2.4.112", "JPEG XL")]
    [InlineData("1.2.840.10008.1.2.4.102", "H.264")]
    [InlineData("1.2.3.999", "unknown")]
    public void SyntaxesNotDecoded_AreNamedForTheirRefusal(string uid, string name)
    {
        TransferSyntax syntax = TransferSyntax.FromUid(uid);

        Assert.Equal(PixelCodec.Unsupported, syntax.Codec);
        Assert.Contains(name, syntax.Label, StringComparison.Ordinal);
    }

    internal static void AssertValues(DicomFixture fixture, MedicalImage image, double slope, double intercept)
    {
        Assert.Equal([fixture.Columns, fixture.Rows, fixture.Frames], image.Dims);
        for (int c = 0; c < fixture.SamplesPerPixel; c++)
        {
            for (int k = 0; k < fixture.Frames; k++)
            {
                for (int j = 0; j < fixture.Rows; j++)
                {
                    for (int i = 0; i < fixture.Columns; i++)
                    {
                        float expected = (float)((fixture.StoredAt(i, j, k, c) * slope) + intercept);
                        float actual = image.Voxels[image.Index(i, j, k) + (c * image.VoxelsPerChannel)];
                        Assert.True(expected == actual, $"voxel ({i}, {j}, {k}) channel {c}: expected {expected}, got {actual}");
                    }
                }
            }
        }
    }
}
