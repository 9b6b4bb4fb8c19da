using System.Text;

namespace MedExplain.Imaging.Npy;

/// <summary>Writes float32 tensors as NPY version 1.0 files that numpy.load reads.</summary>
public static class NpyWriter
{
    /// <summary>Writes <paramref name="tensor"/> to <paramref name="path"/> as little-endian float32, row-major.</summary>
    /// <param name="path">The file to create or overwrite.</param>
    /// <param name="tensor">The tensor.</param>
    public static void Write(string path, FloatTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        AtomicFile.Write(path, stream => Write(stream, tensor));
    }

    /// <summary>Writes <paramref name="tensor"/> to a stream.</summary>
    /// <param name="stream">The destination.</param>
    /// <param name="tensor">The tensor.</param>
    public static void Write(Stream stream, FloatTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        string dims = tensor.Rank == 1 ? $"{tensor.Shape[0]}," : string.Join(", ", tensor.Shape);
        string dictionary = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        // Magic (6) + version (2) + length (2) + dictionary + padding + newline is a multiple of 64.
        int padded = ((10 + dictionary.Length + 1 + 63) / 64 * 64) - 10;
        string header = dictionary.PadRight(padded - 1) + "\n";
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.Data.AsSpan()));
    }
}
