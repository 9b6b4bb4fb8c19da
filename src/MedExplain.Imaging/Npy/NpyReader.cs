using System.Buffers.Binary;
using System.Text;

namespace MedExplain.Imaging.Npy;

/// <summary>Reads NumPy <c>.npy</c> files (format versions 1–3) of numeric dtypes into float32 tensors.</summary>
/// <remarks>Checks the header against the file length before allocating, so a corrupt or hostile header cannot
/// make the reader allocate more than the file holds. Fortran-ordered arrays are transposed to row-major.</remarks>
public static class NpyReader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads an NPY file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="MedExplainInputException">The file is missing, not NPY, truncated, or of an unsupported dtype.</exception>
    public static FloatTensor Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "file not found.");
        }

        using FileStream stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Gets the stored dtype as a name such as "int16" or "float32", from the header alone.</summary>
    /// <param name="path">The file.</param>
    public static string DataTypeName(string path)
    {
        using FileStream stream = File.OpenRead(path);
        var head = new byte[Math.Min(stream.Length, 4096)];
        stream.ReadExactly(head);
        System.Text.RegularExpressions.Match match = System.Text.RegularExpressions.Regex.Match(Encoding.Latin1.GetString(head), @"'descr':\s*'[<>|=]?([a-z])(\d+)'");
        if (!match.Success)
        {
            return "unknown";
        }

        int bits = 8 * int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        return match.Groups[1].Value switch
        {
            "f" => $"float{bits}",
            "i" => $"int{bits}",
            "u" => $"uint{bits}",
            "b" => "bool",
            _ => "unknown",
        };
    }

    /// <summary>Reads an NPY array from a stream.</summary>
    /// <param name="stream">The stream, positioned at the magic string.</param>
    /// <param name="source">The name used in error messages.</param>
    /// <exception cref="MedExplainInputException">The data is not valid NPY or of an unsupported dtype.</exception>
    public static FloatTensor Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> preamble = stackalloc byte[10];
        if (stream.ReadAtLeast(preamble, 10, throwOnEndOfStream: false) < 10 || !preamble[..6].SequenceEqual(Magic))
        {
            throw new MedExplainInputException(source, "is not an NPY file (it does not start with the \\x93NUMPY magic string).");
        }

        int major = preamble[6];
        int headerLength;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]);
        }
        else if (major is 2 or 3)
        {
            Span<byte> extra = stackalloc byte[2];
            if (stream.ReadAtLeast(extra, 2, throwOnEndOfStream: false) < 2)
            {
                throw new MedExplainInputException(source, "is truncated inside its NPY header.");
            }

            uint length = BinaryPrimitives.ReadUInt32LittleEndian([.. preamble[8..], .. extra]);
            headerLength = length <= 1 << 20 ? (int)length : throw new MedExplainInputException(source, $"has an NPY header of {length} bytes; that is not a real array header.");
        }
        else
        {
            throw new MedExplainInputException(source, $"uses NPY format version {major}.{preamble[7]}; versions 1 to 3 are supported.");
        }

        if (headerLength > 1 << 20)
        {
            throw new MedExplainInputException(source, $"has an NPY header of {headerLength} bytes; that is not a real array header.");
        }

        var header = new byte[headerLength];
        if (stream.ReadAtLeast(header, headerLength, throwOnEndOfStream: false) < headerLength)
        {
            throw new MedExplainInputException(source, "is truncated inside its NPY header.");
        }

        NpyHeader parsed = NpyHeader.Parse(Encoding.Latin1.GetString(header), source);
        long count = FloatTensor.ElementCount(parsed.Shape);
        long bytes = count * parsed.ItemSize;
        long available = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
        if (bytes > available)
        {
            throw new MedExplainInputException(source, $"is truncated: its header promises shape {FloatTensor.FormatShape(parsed.Shape)} ({bytes} bytes of {parsed.Descriptor}), but only {available} bytes follow.");
        }

        if (count > Array.MaxLength / 4)
        {
            throw new MedExplainInputException(source, $"holds {count} values; arrays beyond {Array.MaxLength / 4} values are not supported.");
        }

        // The bytes and the floats they become are both held for a moment.
        MemoryLimit.Reserve(bytes + (count * sizeof(float)), source, "the array");
        var raw = new byte[bytes];
        if (stream.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false) < raw.Length)
        {
            throw new MedExplainInputException(source, $"is truncated: its header promises {bytes} bytes of {parsed.Descriptor}, but the data ends early.");
        }

        float[] values = NpyDType.ToFloat(raw, parsed);
        int[] shape = parsed.Shape;
        return parsed.FortranOrder ? FortranToRowMajor(values, shape) : new FloatTensor(shape, values);
    }

    private static FloatTensor FortranToRowMajor(float[] values, int[] shape)
    {
        var result = new float[values.Length];
        int rank = shape.Length;
        var index = new int[rank];
        for (int flat = 0; flat < values.Length; flat++)
        {
            // flat walks the Fortran order: the first axis changes fastest.
            int rowMajor = 0;
            for (int axis = 0; axis < rank; axis++)
            {
                rowMajor = (rowMajor * shape[axis]) + index[axis];
            }

            result[rowMajor] = values[flat];
            for (int axis = 0; axis < rank && ++index[axis] == shape[axis]; axis++)
            {
                index[axis] = 0;
            }
        }

        return new FloatTensor(shape, result);
    }
}
