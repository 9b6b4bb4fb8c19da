namespace MedExplain.Imaging.Samples;

/// <summary>A stored numeric sample type, named as NumPy names it.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The names are the sample types themselves, as NumPy and NIfTI name them.")]
public enum SampleType
{
    /// <summary>Unsigned 8-bit.</summary>
    UInt8,

    /// <summary>Signed 8-bit.</summary>
    Int8,

    /// <summary>Unsigned 16-bit.</summary>
    UInt16,

    /// <summary>Signed 16-bit.</summary>
    Int16,

    /// <summary>Unsigned 32-bit.</summary>
    UInt32,

    /// <summary>Signed 32-bit.</summary>
    Int32,

    /// <summary>Unsigned 64-bit.</summary>
    UInt64,

    /// <summary>Signed 64-bit.</summary>
    Int64,

    /// <summary>IEEE single.</summary>
    Float32,

    /// <summary>IEEE double.</summary>
    Float64,
}

/// <summary>Sizes, names and conversion of <see cref="SampleType"/> values.</summary>
public static class SampleTypes
{
    /// <summary>Gets the bytes per sample.</summary>
    /// <param name="type">The type.</param>
    public static int Size(this SampleType type) => type switch
    {
        SampleType.UInt8 or SampleType.Int8 => 1,
        SampleType.UInt16 or SampleType.Int16 => 2,
        SampleType.UInt32 or SampleType.Int32 or SampleType.Float32 => 4,
        _ => 8,
    };

    /// <summary>Gets the lower-case name, such as "int16".</summary>
    /// <param name="type">The type.</param>
    public static string Name(this SampleType type) => type.ToString().ToLowerInvariant();

    /// <summary>Converts raw samples to floats, swapping bytes when the data's byte order is not the machine's.</summary>
    /// <param name="raw">The stored bytes; its length is a multiple of the sample size.</param>
    /// <param name="type">The stored type.</param>
    /// <param name="bigEndian">The stored byte order.</param>
    /// <param name="destination">One float per sample.</param>
    public static void ToFloat(ReadOnlySpan<byte> raw, SampleType type, bool bigEndian, Span<float> destination)
    {
        int size = type.Size();
        if (raw.Length != destination.Length * size)
        {
            throw new ArgumentException($"{raw.Length} bytes are not {destination.Length} samples of {type.Name()}.", nameof(raw));
        }

        byte[]? swapped = null;
        if (size > 1 && bigEndian == BitConverter.IsLittleEndian)
        {
            swapped = raw.ToArray();
            for (int at = 0; at < swapped.Length; at += size)
            {
                swapped.AsSpan(at, size).Reverse();
            }

            raw = swapped;
        }

        Convert(raw, type, destination);
    }

    private static void Convert(ReadOnlySpan<byte> raw, SampleType type, Span<float> destination)
    {
        switch (type)
        {
            case SampleType.UInt8: Widen(raw, destination); break;
            case SampleType.Int8: Widen(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(raw), destination); break;
            case SampleType.UInt16: Widen(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(raw), destination); break;
            case SampleType.Int16: Widen(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(raw), destination); break;
            case SampleType.UInt32: Widen(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(raw), destination); break;
            case SampleType.Int32: Widen(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(raw), destination); break;
            case SampleType.UInt64: Widen(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(raw), destination); break;
            case SampleType.Int64: Widen(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(raw), destination); break;
            case SampleType.Float32: System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw).CopyTo(destination); break;
            case SampleType.Float64: Widen(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(raw), destination); break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    private static void Widen<T>(ReadOnlySpan<T> source, Span<float> destination)
        where T : unmanaged, System.Numerics.INumberBase<T>
    {
        for (int n = 0; n < source.Length; n++)
        {
            destination[n] = float.CreateTruncating(source[n]);
        }
    }
}
