using System.Buffers.Binary;
using System.Text;

namespace MedExplain.Imaging.Tests.Dicom;

/// <summary>Builds explicit VR little endian DICOM bytes by hand, for inputs no tool would write.</summary>
internal sealed class DicomBytes
{
    private readonly List<byte> _bytes = [];

    public DicomBytes(string transferSyntax = "1.2.840.10008.1.2.1")
    {
        Write(new byte[128]);
        Write("DICM"u8);
        Text(0x0002, 0x0010, "UI", transferSyntax + "\0");
    }

    public DicomBytes Text(ushort group, ushort element, string vr, string value)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(value.Length % 2 == 1 ? value + " " : value);
        return Short(group, element, vr, bytes);
    }

    public DicomBytes UnsignedShort(ushort group, ushort element, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return Short(group, element, "US", bytes);
    }

    public DicomBytes Long(ushort group, ushort element, string vr, uint length, byte[] value)
    {
        Tag(group, element);
        Write(Encoding.ASCII.GetBytes(vr));
        Write(new byte[2]);
        UInt32(length);
        Write(value);
        return this;
    }

    public DicomBytes Raw(byte[] bytes)
    {
        Write(bytes);
        return this;
    }

    public DicomBytes Image(int rows, int columns)
    {
        UnsignedShort(0x0028, 0x0002, 1);
        Text(0x0028, 0x0004, "CS", "MONOCHROME2");
        UnsignedShort(0x0028, 0x0010, (ushort)rows);
        UnsignedShort(0x0028, 0x0011, (ushort)columns);
        UnsignedShort(0x0028, 0x0100, 16);
        UnsignedShort(0x0028, 0x0101, 16);
        UnsignedShort(0x0028, 0x0102, 15);
        return UnsignedShort(0x0028, 0x0103, 0);
    }

    /// <summary>Undefined-length sequences nested <paramref name="depth"/> deep, never closed.</summary>
    public DicomBytes NestedSequences(int depth)
    {
        for (int n = 0; n < depth; n++)
        {
            Tag(0x0029, 0x1010);
            Write("SQ\0\0"u8);
            UInt32(0xFFFFFFFF);
            Tag(0xFFFE, 0xE000);
            UInt32(0xFFFFFFFF);
        }

        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    private void Write(ReadOnlySpan<byte> bytes) => _bytes.AddRange(bytes);

    private DicomBytes Short(ushort group, ushort element, string vr, byte[] value)
    {
        Tag(group, element);
        Write(Encoding.ASCII.GetBytes(vr));
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)value.Length);
        Write(length);
        Write(value);
        return this;
    }

    private void Tag(ushort group, ushort element)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), element);
        Write(bytes);
    }

    private void UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        Write(bytes);
    }
}
