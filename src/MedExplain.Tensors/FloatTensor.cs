namespace MedExplain;

/// <summary>A dense, row-major float32 tensor: the currency between readers, the engine and methods.</summary>
public sealed class FloatTensor
{
    /// <summary>Creates a tensor over existing data; the length must equal the product of the dimensions.</summary>
    /// <param name="shape">The dimensions, outermost first.</param>
    /// <param name="data">The values in row-major order; not copied.</param>
    /// <exception cref="ArgumentException">The data length does not match the shape, or a dimension is negative.</exception>
    public FloatTensor(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = ElementCount(shape);
        if (count != data.Length)
        {
            throw new ArgumentException($"Shape {FormatShape(shape)} holds {count} values but {data.Length} were given.", nameof(data));
        }

        Shape = shape;
        Data = data;
    }

    /// <summary>Creates a zero-filled tensor.</summary>
    /// <param name="shape">The dimensions, outermost first.</param>
    public FloatTensor(params int[] shape)
        : this(shape, new float[checked((int)ElementCount(shape))])
    {
    }

    /// <summary>Gets the dimensions, outermost first.</summary>
    public int[] Shape { get; }

    /// <summary>Gets the values in row-major order.</summary>
    public float[] Data { get; }

    /// <summary>Gets the number of dimensions.</summary>
    public int Rank => Shape.Length;

    /// <summary>Gets the size of the first dimension (the batch for model inputs).</summary>
    public int BatchSize => Shape.Length == 0 ? 1 : Shape[0];

    /// <summary>Gets the number of values in one item of the first dimension.</summary>
    public int ItemSize => Shape.Length == 0 ? 1 : (int)ElementCount(Shape.AsSpan(1));

    /// <summary>Returns a view of item <paramref name="index"/> of the first dimension.</summary>
    /// <param name="index">The batch index.</param>
    public ReadOnlySpan<float> Item(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, BatchSize);
        return Data.AsSpan(index * ItemSize, ItemSize);
    }

    /// <summary>Copies items [start, start+count) of the first dimension into a new tensor.</summary>
    /// <param name="start">The first batch index.</param>
    /// <param name="count">How many items to take.</param>
    public FloatTensor Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, BatchSize);
        int[] shape = (int[])Shape.Clone();
        shape[0] = count;
        return new FloatTensor(shape, Data.AsSpan(start * ItemSize, count * ItemSize).ToArray());
    }

    /// <summary>Stacks tensors of equal item shape along the first dimension.</summary>
    /// <param name="parts">The tensors to join, in order.</param>
    /// <exception cref="ArgumentException">The parts differ in item shape.</exception>
    public static FloatTensor Concatenate(IReadOnlyList<FloatTensor> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentOutOfRangeException.ThrowIfZero(parts.Count);
        int[] itemShape = parts[0].Shape[1..];
        int total = 0;
        foreach (FloatTensor part in parts)
        {
            if (!part.Shape.AsSpan(1).SequenceEqual(itemShape))
            {
                throw new ArgumentException($"Cannot join item shapes {FormatShape(itemShape)} and {FormatShape(part.Shape.AsSpan(1))}.", nameof(parts));
            }

            total += part.BatchSize;
        }

        var data = new float[total * parts[0].ItemSize];
        int offset = 0;
        foreach (FloatTensor part in parts)
        {
            part.Data.CopyTo(data, offset);
            offset += part.Data.Length;
        }

        return new FloatTensor([total, .. itemShape], data);
    }

    /// <summary>Returns a tensor sharing this data under another shape of the same size.</summary>
    /// <param name="shape">The new dimensions.</param>
    public FloatTensor Reshape(params int[] shape) => new(shape, Data);

    /// <summary>Multiplies the dimensions; 1 for a scalar.</summary>
    /// <param name="shape">The dimensions.</param>
    public static long ElementCount(ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (int dim in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dim);
            count = checked(count * dim);
        }

        return count;
    }

    /// <summary>Formats dimensions as (a, b, c).</summary>
    /// <param name="shape">The dimensions.</param>
    public static string FormatShape(ReadOnlySpan<int> shape) => "(" + string.Join(", ", shape.ToArray()) + ")";

    /// <inheritdoc/>
    public override string ToString() => $"FloatTensor{FormatShape(Shape)}";
}
