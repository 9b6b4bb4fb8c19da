using System.Runtime.InteropServices;

namespace MedExplain.Pipelines.Concepts;

/// <summary>Fixed-length float rows in a temporary file deleted on dispose: activations and gradients of many scans at a
/// large layer are read back a few at a time instead of all held in memory.</summary>
internal sealed class RowStore : IDisposable
{
    private readonly FileStream _file;

    public RowStore(int rowLength)
    {
        RowLength = rowLength;
        _file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.RandomAccess);
    }

    public int RowLength { get; }

    public void Write(int row, ReadOnlySpan<float> values) =>
        RandomAccess.Write(_file.SafeFileHandle, MemoryMarshal.AsBytes(values[..RowLength]), Offset(row));

    public float[] Read(int row)
    {
        var values = new float[RowLength];
        ReadInto(row, values);
        return values;
    }

    public float[][] Read(IEnumerable<int> rows) => [.. rows.Select(Read)];

    public void ReadInto(int row, Span<float> destination)
    {
        int read = RandomAccess.Read(_file.SafeFileHandle, MemoryMarshal.AsBytes(destination[..RowLength]), Offset(row));
        if (read != RowLength * sizeof(float))
        {
            throw new InvalidOperationException($"Row {row} was never written.");
        }
    }

    /// <summary>Reads rows into arrays already allocated, so that a loop over random sets makes no garbage.</summary>
    public IReadOnlyList<float[]> ReadInto(IReadOnlyList<int> rows, float[][] buffer)
    {
        for (int n = 0; n < rows.Count; n++)
        {
            ReadInto(rows[n], buffer[n]);
        }

        return new ArraySegment<float[]>(buffer, 0, rows.Count);
    }

    public void Dispose() => _file.Dispose();

    private long Offset(int row) => (long)row * RowLength * sizeof(float);
}
