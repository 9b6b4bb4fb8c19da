using System.Buffers.Binary;

namespace MedExplain.Imaging.Npy;

/// <summary>Converts the numeric NPY dtypes to float32.</summary>
internal static class NpyDType
{
    private static readonly HashSet<string> Supported =
        ["f2", "f4", "f8", "i1", "u1", "b1", "i2", "u2", "i4", "u4", "i8", "u8"];

    public static bool IsSupported(string descriptor) => Supported.Contains(descriptor[1..]);

    public static float[] ToFloat(byte[] raw, NpyHeader header)
    {
        int size = header.ItemSize;
        var values = new float[raw.Length / size];
        bool swap = header.BigEndian == BitConverter.IsLittleEndian && size > 1;
        for (int i = 0; i < values.Length; i++)
        {
            Span<byte> item = raw.AsSpan(i * size, size);
            if (swap)
            {
                item.Reverse();
            }

            values[i] = Convert(item, header.Kind, size);
        }

        return values;
    }

    private static float Convert(ReadOnlySpan<byte> item, char kind, int size) => (kind, size) switch
    {
        ('f', 2) => (float)BitConverter.ToHalf(item),
        ('f', 4) => BitConverter.ToSingle(item),
        ('f', 8) => (float)BitConverter.ToDouble(item),
        ('i', 1) => (sbyte)item[0],
        ('u', 1) or ('b', 1) => item[0],
        ('i', 2) => BinaryPrimitives.ReadInt16LittleEndian(item),
        ('u', 2) => BinaryPrimitives.ReadUInt16LittleEndian(item),
        ('i', 4) => BinaryPrimitives.ReadInt32LittleEndian(item),
        ('u', 4) => BinaryPrimitives.ReadUInt32LittleEndian(item),
        ('i', 8) => BinaryPrimitives.ReadInt64LittleEndian(item),
        ('u', 8) => BinaryPrimitives.ReadUInt64LittleEndian(item),
        _ => throw new NotSupportedException($"dtype {kind}{size}"),
    };
}
