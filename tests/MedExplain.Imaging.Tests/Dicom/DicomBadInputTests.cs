using MedExplain.Imaging.Dicom;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Dicom;

/// <summary>Broken and hostile DICOM files give one clear error naming the file: no crash, no hang, no allocation past the file.</summary>
public sealed class DicomBadInputTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, byte[], string> Cases()
    {
        byte[] pixels = new byte[2 * 3 * 2];
        byte[] valid = new DicomBytes().Image(2, 3).Long(0x7FE0, 0x0010, "OW", (uint)pixels.Length, pixels).ToArray();
        return new TheoryData<string, byte[], string>
        {
            { "empty", [], "is empty" },
            { "png named dcm", [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0, 0, 0, 13], "is not a DICOM file" },
            { "truncated", valid[..^5], "truncated" },
            { "huge pixel length", new DicomBytes().Image(2, 3).Long(0x7FE0, 0x0010, "OW", 0xFFFFFFF0, pixels).ToArray(), "wrong length" },
            { "too few pixels", new DicomBytes().Image(200, 300).Long(0x7FE0, 0x0010, "OW", (uint)pixels.Length, pixels).ToArray(), "need 120000" },
            { "no pixel data", new DicomBytes().Image(2, 3).ToArray(), "no Pixel Data" },
            { "50000 nested sequences", new DicomBytes().NestedSequences(50_000).ToArray(), "deeper than 64" },
            { "unclosed sequence", new DicomBytes().NestedSequences(3).ToArray(), "truncated" },
            {
                "2^31 frames",
                new DicomBytes().Text(0x0028, 0x0008, "IS", "2147483647").Image(2, 3).Long(0x7FE0, 0x0010, "OW", (uint)pixels.Length, pixels).ToArray(),
                "more than MedExplain holds"
            },
            {
                "frames not a number",
                new DicomBytes().Text(0x0028, 0x0008, "IS", "abc ").Image(2, 3).Long(0x7FE0, 0x0010, "OW", (uint)pixels.Length, pixels).ToArray(),
                "Number of Frames (0028,0008) 'abc', which is not a number"
            },
            {
                "rescale slope not a number",
                new DicomBytes().Image(2, 3).Text(0x0028, 0x1053, "DS", "x1").Long(0x7FE0, 0x0010, "OW", (uint)pixels.Length, pixels).ToArray(),
                "Rescale Slope"
            },
            { "no transfer syntax", [.. new byte[128], .. "DICM"u8, .. new DicomBytes().ToArray()[144..]], "Transfer Syntax" },
            { "1-bit", new DicomBytes().Image(2, 3).UnsignedShort(0x0028, 0x0100, 1).Long(0x7FE0, 0x0010, "OW", (uint)pixels.Length, pixels).ToArray(), "Bits Allocated 1" },
            { "tiny JPEG claiming a huge image", new DicomBytes("1.2.840.10008.1.2.4.70").Image(20000, 20000).Long(0x7FE0, 0x0010, "OB", 0xFFFFFFFF, [.. Fragment([]), .. Fragment([0xFF, 0xD8, 0xFF, 0xD9]), 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]).ToArray(), "no supported codec compresses that far" },
            { "unknown syntax", new DicomBytes("1.2.3.4.5").Image(2, 3).Long(0x7FE0, 0x0010, "OW", (uint)pixels.Length, pixels).ToArray(), "1.2.3.4.5 (unknown)" },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BrokenFileGivesAClearError(string name, byte[] bytes, string expected)
    {
        string path = _temp.Write(name.Replace(' ', '-') + ".dcm", bytes);

        var error = Assert.Throws<MedExplainInputException>(() => DicomImageReader.Read(path));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeflatedDataSet_InflatingPastTheMemoryLimit_StopsThere()
    {
        // 64 MiB of pixel zeros deflate to about 64 KiB; under a 16 MiB limit the inflating stops at the limit.
        const uint length = 64 << 20;
        var compressed = new MemoryStream();
        using (var deflate = new System.IO.Compression.DeflateStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write([0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'W', 0, 0, .. BitConverter.GetBytes(length)]);
            var zeros = new byte[1 << 20];
            for (int k = 0; k < 64; k++)
            {
                deflate.Write(zeros);
            }
        }

        string path = _temp.Write("bomb.dcm", new DicomBytes("1.2.840.10008.1.2.1.99").Raw(compressed.ToArray()).ToArray());
        using IDisposable limit = MemoryLimit.Use(16 << 20);

        var error = Assert.Throws<MedExplainInputException>(() => DicomImageReader.Read(path));

        Assert.Contains("the inflated data set would take", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Fragment(byte[] value) => [0xFE, 0xFF, 0x00, 0xE0, .. BitConverter.GetBytes(value.Length), .. value];

    [Fact]
    public void ValidHandBuiltFileReads()
    {
        ushort[] values = [1, 2, 3, 400, 500, 65535];
        byte[] pixels = [.. values.SelectMany(BitConverter.GetBytes)];
        string path = _temp.Write("ok.dcm", new DicomBytes().Image(2, 3).Long(0x7FE0, 0x0010, "OW", (uint)pixels.Length, pixels).ToArray());

        MedicalImage image = DicomImageReader.Read(path);

        Assert.Equal(values.Select(v => (float)v), image.Voxels);
        Assert.Contains(image.Metadata.Warnings, w => w.Contains("Image Orientation", StringComparison.Ordinal));
    }
}
