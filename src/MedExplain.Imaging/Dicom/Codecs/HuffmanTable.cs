namespace MedExplain.Imaging.Dicom.Codecs;

/// <summary>A canonical JPEG Huffman table (T.81 annex C) and its decoding procedure (F.2.2.3).</summary>
internal sealed class HuffmanTable
{
    private readonly int[] _maxCode = new int[18];
    private readonly int[] _valuePointer = new int[17];
    private readonly int[] _minCode = new int[17];
    private readonly byte[] _values;

    private HuffmanTable(ReadOnlySpan<byte> counts, byte[] values)
    {
        _values = values;
        int code = 0, k = 0;
        for (int length = 1; length <= 16; length++)
        {
            _valuePointer[length] = k;
            _minCode[length] = code;
            code += counts[length - 1];
            k += counts[length - 1];
            _maxCode[length] = counts[length - 1] > 0 ? code - 1 : -1;
            code <<= 1;
        }

        _maxCode[17] = int.MaxValue;
    }

    /// <summary>Parses a DHT segment (one or more tables) into the table slots by their ids.</summary>
    public static void ParseInto(ReadOnlySpan<byte> segment, HuffmanTable?[] slots, string path)
    {
        int at = 0;
        while (at + 17 <= segment.Length)
        {
            int id = segment[at] & 0x0F;
            ReadOnlySpan<byte> counts = segment.Slice(at + 1, 16);
            int total = 0;
            foreach (byte count in counts)
            {
                total += count;
            }

            if (id > 3 || at + 17 + total > segment.Length || total > 256)
            {
                throw new MedExplainInputException(path, "has a corrupt JPEG Huffman table.");
            }

            slots[id] = new HuffmanTable(counts, segment.Slice(at + 17, total).ToArray());
            at += 17 + total;
        }
    }

    /// <summary>Reads one code and returns its value.</summary>
    public int Decode(ref BitReader bits, string path)
    {
        int code = bits.Read(1);
        int length = 1;
        while (code > _maxCode[length])
        {
            code = (code << 1) | bits.Read(1);
            if (++length > 16)
            {
                throw new MedExplainInputException(path, "has a corrupt JPEG stream: a Huffman code longer than 16 bits.");
            }
        }

        int index = _valuePointer[length] + code - _minCode[length];
        return index < _values.Length ? _values[index] : throw new MedExplainInputException(path, "has a corrupt JPEG stream: a Huffman code outside its table.");
    }
}

/// <summary>Reads entropy-coded bits, most significant first, removing the 0x00 stuffed after 0xFF and stopping at markers.</summary>
internal ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private uint _buffer;
    private int _count;
    private int _missing;

    public BitReader(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        _position = position;
    }

    /// <summary>Gets the byte position after the bits consumed so far (whole bytes buffered count as consumed).</summary>
    public readonly int Position => _position;

    /// <summary>Gets how many bytes were read as zeros past the data or at a marker: a stream that needs more than a
    /// byte or two of them is truncated.</summary>
    public readonly int Missing => _missing;

    /// <summary>Reads <paramref name="n"/> bits (1..16); past the data or a marker it reads zeros, so corrupt streams end instead of hanging.</summary>
    public int Read(int n)
    {
        while (_count < n)
        {
            _buffer = (_buffer << 8) | NextByte();
            _count += 8;
        }

        _count -= n;
        return (int)((_buffer >> _count) & ((1u << n) - 1));
    }

    /// <summary>Drops buffered bits and skips the RSTn marker that must come next.</summary>
    public void Restart(string path)
    {
        _count = 0;
        _buffer = 0;
        if (_position + 1 < _data.Length && _data[_position] == 0xFF && _data[_position + 1] is >= 0xD0 and <= 0xD7)
        {
            _position += 2;
            return;
        }

        throw new MedExplainInputException(path, "has a corrupt JPEG stream: a restart marker is missing.");
    }

    private uint NextByte()
    {
        if (_position >= _data.Length)
        {
            _missing++;
            return 0;
        }

        byte value = _data[_position];
        if (value != 0xFF)
        {
            _position++;
            return value;
        }

        byte next = _position + 1 < _data.Length ? _data[_position + 1] : (byte)0xD9;
        if (next == 0x00)
        {
            _position += 2;
            return 0xFF;
        }

        _missing++;
        return 0; // a marker: leave it for the caller
    }
}
