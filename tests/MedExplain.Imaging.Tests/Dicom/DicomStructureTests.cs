using MedExplain.Imaging.Dicom;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Dicom;

/// <summary>Sequences of undefined length, private sequences in implicit VR, the Modality LUT and the 8-bit-in-OW big-endian trap.</summary>
public sealed class DicomStructureTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [SkippableTheory]
    [InlineData("explicit")]
    [InlineData("+ti")]
    [InlineData("+tb")]
    public void ModalityLutInsideUndefinedLengthSequencesNextToAPrivateSequence(string conversion)
    {
        int[] lut = [.. Enumerable.Range(0, 16).Select(n => (n * n) + 3)];
        var fixture = new DicomFixture
        {
            Rows = 4, Columns = 4, BitsAllocated = 16, BitsStored = 4, Modality = "OT",
            Stored = [.. Enumerable.Range(0, 16).Select(n => (long)((n * 7) % 16))],
            ExtraLines =
            [
                "(0029,0010) LO [MEDEXPLAIN TEST]",
                "(0029,1010) SQ (Sequence with undefined length)",
                "(fffe,e000) na (Item with undefined length)",
                "(0029,1011) LO [inner text]",
                "(0029,1012) SQ (Sequence with undefined length)",
                "(fffe,e000) na (Item with undefined length)",
                "(0029,1013) LO [deeper]",
                "(fffe,e00d) na (ItemDelimitationItem)",
                "(fffe,e0dd) na (SequenceDelimitationItem)",
                "(fffe,e00d) na (ItemDelimitationItem)",
                "(fffe,e0dd) na (SequenceDelimitationItem)",
                "(0028,3000) SQ (Sequence with undefined length)",
                "(fffe,e000) na (Item with undefined length)",
                @"(0028,3002) US 16\0\16",
                "(0028,3006) OW " + string.Join(@"\", lut.Select(v => v.ToString("x4"))),
                "(fffe,e00d) na (ItemDelimitationItem)",
                "(fffe,e0dd) na (SequenceDelimitationItem)",
            ],
        };
        string file = fixture.Write(_temp, "lut");
        file = conversion == "explicit" ? file : DicomFixture.Convert(_temp, file, "dcmconv", "dcmtk", conversion, "-e");

        MedicalImage image = DicomImageReader.Read(file);

        Assert.Equal(fixture.Stored.Select(s => (float)lut[s]), image.Voxels);
    }

    [SkippableFact]
    public void EightBitSamplesInABigEndianOwElementAreSwappedBack()
    {
        var fixture = new DicomFixture
        {
            Rows = 3, Columns = 6, BitsAllocated = 8, BitsStored = 8, PixelVr = "OW", Modality = "OT",
            Stored = DicomFixture.RandomValues(18, 8, isSigned: false, seed: 2),
        };
        string bigEndian = DicomFixture.Convert(_temp, fixture.Write(_temp, "owbytes"), "dcmconv", "dcmtk", "+tb");

        MedicalImage image = DicomImageReader.Read(bigEndian);

        Assert.Equal("1.2.840.10008.1.2.2", image.Metadata.TransferSyntax);
        DicomTransferSyntaxTests.AssertValues(fixture, image, 1, 0);
    }
}
