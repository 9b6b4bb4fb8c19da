using System.Text;
using MedExplain.Imaging.Npy;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Npy;

public sealed class NpyReaderTests
{
    [Fact]
    public void Read_DemoVolumeSavedByNumpy_HasNumpysShapeAndRange()
    {
        FloatTensor volume = NpyReader.Read(RepoPaths.DemoScan("3d/volume-02-tumour.npy"));

        Assert.Equal([1, 1, 64, 64, 64], volume.Shape);
        Assert.InRange(volume.Data.Min(), 0f, 0.05f);
        Assert.InRange(volume.Data.Max(), 0.5f, 1f);
    }

    [Fact]
    public void WriteThenRead_RoundTripsExactly()
    {
        var tensor = new FloatTensor([2, 3], [1.5f, -2, 3.25f, float.Epsilon, 1e30f, -0f]);
        using var stream = new MemoryStream();

        NpyWriter.Write(stream, tensor);
        stream.Position = 0;
        FloatTensor back = NpyReader.Read(stream, "memory");

        Assert.Equal(tensor.Shape, back.Shape);
        Assert.Equal(tensor.Data, back.Data);
        Assert.Equal(0, (stream.Length - (2 * 3 * 4)) % 64);
    }

    [Theory]
    [InlineData("<i2", new byte[] { 0xFF, 0xFF, 0x02, 0x00 }, new float[] { -1, 2 })]
    [InlineData(">i2", new byte[] { 0xFF, 0xFE, 0x00, 0x03 }, new float[] { -2, 3 })]
    [InlineData("|u1", new byte[] { 0, 255 }, new float[] { 0, 255 })]
    [InlineData("<f8", new byte[] { 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0xC0 }, new float[] { 1.5f, -2 })]
    [InlineData("<u2", new byte[] { 0x00, 0x80, 0x01, 0x00 }, new float[] { 32768, 1 })]
    public void Read_NumericDtypes_ConvertsToFloat(string descr, byte[] data, float[] expected)
    {
        FloatTensor tensor = NpyReader.Read(new MemoryStream(NpyBytes(descr, "(2,)", data)), "x.npy");

        Assert.Equal(expected, tensor.Data);
    }

    [Fact]
    public void Read_FortranOrder_ReturnsRowMajor()
    {
        // numpy.asfortranarray([[1, 2, 3], [4, 5, 6]]) stores columns first: 1 4 2 5 3 6.
        byte[] data = [.. new float[] { 1, 4, 2, 5, 3, 6 }.SelectMany(BitConverter.GetBytes)];

        FloatTensor tensor = NpyReader.Read(new MemoryStream(NpyBytes("<f4", "(2, 3)", data, fortran: true)), "x.npy");

        Assert.Equal([2, 3], tensor.Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], tensor.Data);
    }

    public static TheoryData<string, byte[], string> BrokenFiles => new()
    {
        { "png", [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0, 0, 0, 13], "not an NPY file" },
        { "truncated data", NpyBytes("<f4", "(4,)", new byte[8]), "truncated" },
        { "huge shape", NpyBytes("<f4", "(100000, 100000, 100000)", new byte[16]), "truncated" },
        { "object dtype", NpyBytes("|O8", "(1,)", new byte[8]), "dtype '|O8'" },
        { "complex dtype", NpyBytes("<c8", "(1,)", new byte[8]), "dtype '<c8'" },
        { "garbage header", Encoding.Latin1.GetBytes("\u0093NUMPY\u0001\u0000\u0005\u0000hello"), "malformed NPY header" },
        { "version 9", Encoding.Latin1.GetBytes("\u0093NUMPY\u0009\u0000\u0005\u0000hello"), "format version 9.0" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void Read_BrokenFile_SaysWhatIsWrong(string scenario, byte[] bytes, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("broken.npy", bytes);

        var error = Assert.Throws<MedExplainInputException>(() => NpyReader.Read(path));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{scenario}: {error.Message}");
    }

    private static byte[] NpyBytes(string descr, string shape, byte[] data, bool fortran = false)
    {
        string header = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}\n";
        byte[] prefix = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0];
        return [.. prefix, .. Encoding.Latin1.GetBytes(header), .. data];
    }
}
