using System.Buffers.Binary;
using System.Text;

namespace MedExplain.TestUtilities;

/// <summary>Writes PNG files chunk by chunk (PNG spec section 5), so tests can make valid, lying and broken ones.</summary>
public static class PngBytes
{
    /// <summary>The eight signature bytes every PNG starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The 13 bytes of an IHDR chunk (no interlace).</summary>
    public static byte[] Header(int width, int height, int bitDepth, int colorType)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = (byte)bitDepth;
        header[9] = (byte)colorType;
        return header;
    }

    /// <summary>Writes one chunk: length, type, data and CRC.</summary>
    public static void Chunk(Stream png, string type, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(png);
        ArgumentNullException.ThrowIfNull(data);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    /// <summary>A whole file from its chunks.</summary>
    public static byte[] File(params (string Type, byte[] Data)[] chunks)
    {
        var png = new MemoryStream();
        png.Write(Signature);
        foreach ((string type, byte[] data) in chunks)
        {
            Chunk(png, type, data);
        }

        return png.ToArray();
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
