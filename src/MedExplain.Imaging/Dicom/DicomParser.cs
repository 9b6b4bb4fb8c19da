using System.Buffers.Binary;
using System.Text;

namespace MedExplain.Imaging.Dicom;

/// <summary>Parses DICOM elements from memory: explicit or implicit VR, either byte order, nested sequences of any length form.</summary>
/// <remarks>Every length is checked against the bytes left before use, and nesting is capped, so no file can make it allocate or recurse without bound.</remarks>
internal sealed class DicomParser
{
    /// <summary>The deepest sequence nesting accepted; real files stay far below it.</summary>
    public const int MaxDepth = 64;

    private const uint UndefinedLength = 0xFFFFFFFF;
    private readonly ReadOnlyMemory<byte> _data;
    private readonly string _path;
    private int _position;

    public DicomParser(ReadOnlyMemory<byte> data, int position, bool explicitVr, bool bigEndian, string path)
    {
        _data = data;
        _position = position;
        ExplicitVr = explicitVr;
        BigEndian = bigEndian;
        _path = path;
    }

    public bool ExplicitVr { get; }

    public bool BigEndian { get; }

    public int Position => _position;

    /// <summary>Reads elements until the end of the data, or until <paramref name="stopBefore"/> says to stop (the element is not consumed).</summary>
    public DicomDataset ReadDataset(Func<DicomTag, bool>? stopBefore = null)
    {
        var dataset = new DicomDataset(BigEndian);
        while (_position < _data.Length)
        {
            if (stopBefore is not null && stopBefore(PeekTag()))
            {
                break;
            }

            dataset.Add(ReadElement(_data.Length, depth: 0));
        }

        return dataset;
    }

    /// <summary>Gets the next tag without consuming it.</summary>
    public DicomTag PeekTag()
    {
        Need(4, _data.Length, "a tag");
        ReadOnlySpan<byte> span = _data.Span[_position..];
        return BigEndian
            ? new DicomTag(BinaryPrimitives.ReadUInt16BigEndian(span), BinaryPrimitives.ReadUInt16BigEndian(span[2..]))
            : new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(span), BinaryPrimitives.ReadUInt16LittleEndian(span[2..]));
    }

    private DicomElement ReadElement(int end, int depth)
    {
        DicomTag tag = ReadTag(end);
        string vr;
        uint length;
        if (tag.Group == 0xFFFE)
        {
            throw Problem($"has an unexpected item or delimiter {tag} at byte {_position - 4} outside a sequence.");
        }

        if (ExplicitVr)
        {
            Need(2, end, "a VR");
            vr = Encoding.ASCII.GetString(_data.Span.Slice(_position, 2));
            _position += 2;
            if (DicomDictionary.HasLongLength(vr))
            {
                Need(6, end, "a length");
                _position += 2;
                length = ReadUInt32();
                vr = DicomDictionary.IsVr(vr) ? vr : "UN";
            }
            else
            {
                Need(2, end, "a length");
                length = ReadUInt16();
            }
        }
        else
        {
            vr = DicomDictionary.VrOf(tag);
            Need(4, end, "a length");
            length = ReadUInt32();
        }

        if (length == UndefinedLength)
        {
            if (tag == DicomTag.PixelData)
            {
                return new DicomElement(tag, vr, ReadOnlyMemory<byte>.Empty, [], ReadFragments(end));
            }

            if (vr is "SQ" or "UN")
            {
                // Explicit UN with undefined length holds implicit VR little endian items (PS3.5 6.2.2).
                DicomParser inner = vr == "UN" && ExplicitVr ? new DicomParser(_data, _position, false, false, _path) : this;
                List<DicomDataset> items = inner.ReadItems(end, UndefinedLength, depth + 1);
                _position = inner._position;
                return new DicomElement(tag, "SQ", ReadOnlyMemory<byte>.Empty, items);
            }

            throw Problem($"gives element {tag} ({vr}) an undefined length, which only sequences and pixel data may have.");
        }

        Need(length, end, $"the value of {tag}");
        if (vr == "SQ")
        {
            int stop = _position + (int)length;
            List<DicomDataset> items = ReadItems(stop, length, depth + 1);
            _position = stop;
            return new DicomElement(tag, vr, ReadOnlyMemory<byte>.Empty, items);
        }

        ReadOnlyMemory<byte> value = _data.Slice(_position, (int)length);
        _position += (int)length;
        return new DicomElement(tag, vr, value, []);
    }

    private List<DicomDataset> ReadItems(int end, uint sequenceLength, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Problem($"nests sequences deeper than {MaxDepth} levels.");
        }

        var items = new List<DicomDataset>();
        int stop = sequenceLength == UndefinedLength ? end : _position + (int)sequenceLength;
        while (_position < stop)
        {
            DicomTag tag = ReadTag(stop);
            Need(4, stop, "an item length");
            uint length = ReadUInt32();
            if (tag == DicomTag.SequenceDelimitation)
            {
                return items;
            }

            if (tag != DicomTag.Item)
            {
                throw Problem($"has {tag} inside a sequence where an item was expected (byte {_position - 8}).");
            }

            int itemEnd = length == UndefinedLength ? stop : _position + (int)Need(length, stop, "a sequence item");
            var item = new DicomDataset(BigEndian);
            while (_position < itemEnd)
            {
                if (length == UndefinedLength && PeekTag() == DicomTag.ItemDelimitation)
                {
                    _position += 8;
                    break;
                }

                item.Add(ReadElement(itemEnd, depth));
            }

            items.Add(item);
        }

        if (sequenceLength == UndefinedLength)
        {
            throw Problem("is truncated: a sequence of undefined length has no delimiter before the end of the file.");
        }

        return items;
    }

    private List<ReadOnlyMemory<byte>> ReadFragments(int end)
    {
        var fragments = new List<ReadOnlyMemory<byte>>();
        while (true)
        {
            DicomTag tag = ReadTag(end);
            Need(4, end, "a fragment length");
            uint length = ReadUInt32();
            if (tag == DicomTag.SequenceDelimitation)
            {
                return fragments;
            }

            if (tag != DicomTag.Item || length == UndefinedLength)
            {
                throw Problem($"has malformed encapsulated pixel data: {tag} where a fragment item was expected.");
            }

            Need(length, end, "a pixel data fragment");
            fragments.Add(_data.Slice(_position, (int)length));
            _position += (int)length;
        }
    }

    private DicomTag ReadTag(int end)
    {
        Need(4, end, "a tag");
        DicomTag tag = PeekTag();
        _position += 4;
        return tag;
    }

    private ushort ReadUInt16()
    {
        ReadOnlySpan<byte> span = _data.Span[_position..];
        _position += 2;
        return BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);
    }

    private uint ReadUInt32()
    {
        ReadOnlySpan<byte> span = _data.Span[_position..];
        _position += 4;
        return BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);
    }

    private uint Need(uint count, int end, string what)
    {
        if (count > (uint)Math.Max(0, end - _position))
        {
            throw Problem($"is truncated or has a wrong length: {what} needs {count} bytes at byte {_position}, but only {Math.Max(0, end - _position)} remain.");
        }

        return count;
    }

    private MedExplainInputException Problem(string problem) => new(_path, problem);
}
