using System.Buffers.Binary;
using System.IO.Compression;
using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Nifti;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Nifti;

/// <summary>Broken NIfTI files give one clear error naming the file, never a crash or a huge allocation.</summary>
public sealed class NiftiBadInputTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void AnImgWithoutItsHdr_SaysTheHeaderIsMissing()
    {
        string image = _temp.Write("lonely.img", new byte[64]);

        var error = Assert.Throws<MedExplainInputException>(() => MedicalImageReader.Read(image));

        Assert.Equal(image, error.FilePath);
        Assert.Contains(".hdr header is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidFileReadsBack()
    {
        byte[] bytes = ValidFile();
        MedicalImage image = NiftiReader.Read(_temp.Write("ok.nii", bytes));
        Assert.Equal([4, 3, 2], image.Dims);
        Assert.Equal(Enumerable.Range(0, 24).Select(v => (float)v), image.Voxels);
    }

    [Theory]
    [InlineData("empty", "shorter than a NIfTI-1 header")]
    [InlineData("bad-header-size", "header size field is 123")]
    [InlineData("truncated", "is truncated")]
    [InlineData("vox-offset-past-end", "is truncated")]
    [InlineData("dims-overflow", "overflows")]
    [InlineData("huge-volume", "more than MedExplain holds")]
    [InlineData("zero-dim", "dim[2] = 0")]
    [InlineData("no-magic", "ANALYZE")]
    [InlineData("fractional-vox-offset", "vox_offset")]
    [InlineData("complex", "complex")]
    [InlineData("truncated-gzip", "truncated")]
    public void BrokenFileGivesAClearError(string kind, string expected)
    {
        string path = _temp.Write(kind + ".nii", Broken(kind));
        var error = Assert.Throws<MedExplainInputException>(() => NiftiReader.Read(path));
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private byte[] Broken(string kind)
    {
        byte[] bytes = ValidFile();
        Span<byte> h = bytes;
        switch (kind)
        {
            case "empty": return [];
            case "bad-header-size": BinaryPrimitives.WriteInt32LittleEndian(h, 123); break;
            case "truncated": return bytes[..^10];
            case "vox-offset-past-end": BinaryPrimitives.WriteSingleLittleEndian(h[108..], 1e9f); break;
            case "dims-overflow":
                BinaryPrimitives.WriteInt16LittleEndian(h[40..], 7);
                for (int n = 4; n <= 7; n++)
                {
                    BinaryPrimitives.WriteInt16LittleEndian(h[(40 + (2 * n))..], short.MaxValue);
                }

                break;
            case "huge-volume":
                for (int n = 1; n <= 3; n++)
                {
                    BinaryPrimitives.WriteInt16LittleEndian(h[(40 + (2 * n))..], short.MaxValue);
                }

                break;
            case "zero-dim": BinaryPrimitives.WriteInt16LittleEndian(h[44..], 0); break;
            case "no-magic": h.Slice(344, 4).Clear(); break;
            case "fractional-vox-offset": BinaryPrimitives.WriteSingleLittleEndian(h[108..], 352.5f); break;
            case "complex": BinaryPrimitives.WriteInt16LittleEndian(h[70..], 32); break;
            case "truncated-gzip":
                using (var memory = new MemoryStream())
                {
                    using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
                    {
                        gzip.Write(bytes);
                    }

                    return memory.ToArray()[..^30];
                }

            default: throw new ArgumentOutOfRangeException(nameof(kind));
        }

        return bytes;
    }

    private byte[] ValidFile()
    {
        var image = new MedicalImage([4, 3, 2], 1, [.. Enumerable.Range(0, 24).Select(v => (float)v)], Affine.Diagonal(1, 2, 3), new ImageMetadata { Format = "test", Source = "test", DataType = "float32" });
        string path = _temp.File(Guid.NewGuid().ToString("N") + ".nii");
        NiftiWriter.Write(path, image);
        return File.ReadAllBytes(path);
    }
}
