using System.Buffers.Binary;
using System.Text;

namespace MedExplain.Imaging.Dicom.Writing;

/// <summary>Builds a data set to write as explicit VR little endian (PS3.5 7.1.2): elements kept in tag order, values
/// padded to even length as their VR requires (UI with NUL, text with a space).</summary>
internal sealed class DicomDatasetWriter
{
    private static readonly HashSet<string> LongHeader = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT"];
    private readonly SortedDictionary<uint, (string Vr, byte[] Value, IReadOnlyList<DicomDatasetWriter>? Items)> _elements = [];

    /// <summary>Sets a text element (AE, AS, CS, DA, DS, IS, LO, PN, SH, ST, TM, UI, LT, UT…); null writes it empty.</summary>
    public DicomDatasetWriter Text(DicomTag tag, string vr, string? value)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(value ?? string.Empty);
        return Set(tag, vr, bytes.Length % 2 == 0 ? bytes : [.. bytes, vr == "UI" ? (byte)0 : (byte)' ']);
    }

    /// <summary>Sets an element to bytes as they are (already encoded in its VR, as a source file holds them).</summary>
    public DicomDatasetWriter Raw(DicomTag tag, string vr, ReadOnlySpan<byte> value) =>
        Set(tag, vr, value.Length % 2 == 0 ? value.ToArray() : [.. value, vr == "UI" ? (byte)0 : (byte)' ']);

    /// <summary>Sets unsigned 16-bit values (US).</summary>
    public DicomDatasetWriter UnsignedShort(DicomTag tag, params ushort[] values)
    {
        var bytes = new byte[2 * values.Length];
        for (int n = 0; n < values.Length; n++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * n), values[n]);
        }

        return Set(tag, "US", bytes);
    }

    /// <summary>Sets binary data (OB, OW, OF…).</summary>
    public DicomDatasetWriter Binary(DicomTag tag, string vr, byte[] value) => Set(tag, vr, value.Length % 2 == 0 ? value : [.. value, 0]);

    /// <summary>Sets a sequence of items.</summary>
    public DicomDatasetWriter Sequence(DicomTag tag, params DicomDatasetWriter[] items)
    {
        _elements[Key(tag)] = ("SQ", [], items);
        return this;
    }

    /// <summary>Encodes the elements in tag order.</summary>
    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[12];
        foreach ((uint key, (string vr, byte[] value, IReadOnlyList<DicomDatasetWriter>? items)) in _elements)
        {
            byte[] body = items is null ? value : EncodeItems(items);
            BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(key >> 16));
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)key);
            header[4] = (byte)vr[0];
            header[5] = (byte)vr[1];
            if (LongHeader.Contains(vr))
            {
                header[6] = header[7] = 0;
                BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)body.Length);
                stream.Write(header);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(header[6..], checked((ushort)body.Length));
                stream.Write(header[..8]);
            }

            stream.Write(body);
        }

        return stream.ToArray();
    }

    /// <summary>Writes a Part 10 file: preamble, "DICM", the file meta group (explicit VR little endian), the data set.</summary>
    public static void WriteFile(string path, DicomDatasetWriter dataset, string sopClassUid, string sopInstanceUid)
    {
        var meta = new DicomDatasetWriter()
            .Binary(new DicomTag(0x0002, 0x0001), "OB", [0, 1])
            .Text(new DicomTag(0x0002, 0x0002), "UI", sopClassUid)
            .Text(new DicomTag(0x0002, 0x0003), "UI", sopInstanceUid)
            .Text(DicomTag.TransferSyntaxUid, "UI", "1.2.840.10008.1.2.1")
            .Text(new DicomTag(0x0002, 0x0012), "UI", DicomUids.ImplementationClass)
            .Text(new DicomTag(0x0002, 0x0013), "SH", "MEDEXPLAIN_01");
        byte[] metaBytes = meta.Encode();
        byte[] groupLength = new DicomDatasetWriter().Binary(new DicomTag(0x0002, 0x0000), "UL", BitConverter.GetBytes((uint)metaBytes.Length)).Encode();
        AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[128]);
            stream.Write("DICM"u8);
            stream.Write(groupLength);
            stream.Write(metaBytes);
            stream.Write(dataset.Encode());
        });
    }

    private static byte[] EncodeItems(IReadOnlyList<DicomDatasetWriter> items)
    {
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[8];
        foreach (DicomDatasetWriter item in items)
        {
            byte[] body = item.Encode();
            BinaryPrimitives.WriteUInt16LittleEndian(header, 0xFFFE);
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], 0xE000);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)body.Length);
            stream.Write(header);
            stream.Write(body);
        }

        return stream.ToArray();
    }

    private static uint Key(DicomTag tag) => ((uint)tag.Group << 16) | tag.Element;

    private DicomDatasetWriter Set(DicomTag tag, string vr, byte[] value)
    {
        _elements[Key(tag)] = (vr, value, null);
        return this;
    }
}
