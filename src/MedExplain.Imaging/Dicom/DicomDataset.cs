using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace MedExplain.Imaging.Dicom;

/// <summary>The elements of a data set or sequence item, with typed getters that tolerate what real files do.</summary>
public sealed class DicomDataset
{
    private readonly Dictionary<DicomTag, DicomElement> _elements = [];

    /// <summary>Creates an empty data set whose binary numbers have the given byte order.</summary>
    /// <param name="bigEndian">The byte order of binary values.</param>
    public DicomDataset(bool bigEndian) => BigEndian = bigEndian;

    /// <summary>Gets a value indicating whether binary values are big endian.</summary>
    public bool BigEndian { get; }

    /// <summary>Gets the elements in the order they were read.</summary>
    public IEnumerable<DicomElement> Elements => _elements.Values;

    /// <summary>Adds or replaces an element.</summary>
    /// <param name="element">The element.</param>
    public void Add(DicomElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        _elements[element.Tag] = element;
    }

    /// <summary>Gets an element, or null.</summary>
    /// <param name="tag">The tag.</param>
    public DicomElement? Get(DicomTag tag) => _elements.GetValueOrDefault(tag);

    /// <summary>Gets a value indicating whether the element is present.</summary>
    /// <param name="tag">The tag.</param>
    public bool Contains(DicomTag tag) => _elements.ContainsKey(tag);

    /// <summary>Gets a text value with padding (spaces, NULs) stripped, or null when absent or empty.</summary>
    /// <param name="tag">The tag.</param>
    public string? Text(DicomTag tag)
    {
        if (Get(tag) is not { } element || element.Value.IsEmpty)
        {
            return null;
        }

        string text = Encoding.Latin1.GetString(element.Value.Span).Trim(' ', '\0');
        return text.Length == 0 ? null : text;
    }

    /// <summary>Gets the backslash-separated values of a text element.</summary>
    /// <param name="tag">The tag.</param>
    public string[] Texts(DicomTag tag) => Text(tag)?.Split('\\').Select(s => s.Trim(' ', '\0')).ToArray() ?? [];

    /// <summary>Gets decimal-string (DS/IS) values, parsed culture-invariantly; null when absent or not numbers.</summary>
    /// <param name="tag">The tag.</param>
    public double[]? Numbers(DicomTag tag)
    {
        string[] parts = Texts(tag);
        if (parts.Length == 0)
        {
            return null;
        }

        var values = new double[parts.Length];
        for (int n = 0; n < parts.Length; n++)
        {
            if (!double.TryParse(parts[n], NumberStyles.Float, CultureInfo.InvariantCulture, out values[n]) || !double.IsFinite(values[n]))
            {
                return null;
            }
        }

        return values;
    }

    /// <summary>Gets the first decimal-string value, or <paramref name="fallback"/>.</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="fallback">The value when absent.</param>
    public double Number(DicomTag tag, double fallback) => Numbers(tag) is [var first, ..] ? first : fallback;

    /// <summary>Gets the first decimal-string value, <paramref name="fallback"/> when absent, and refuses one that is
    /// present but no finite number (a value that decides every voxel must not silently become its default).</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="fallback">The value when absent.</param>
    /// <param name="path">The file, for messages.</param>
    /// <param name="name">The attribute's name, for messages.</param>
    public double Number(DicomTag tag, double fallback, string path, string name) =>
        Get(tag) is null || Text(tag) is null ? fallback
        : Numbers(tag) is [var first, ..] ? first
        : throw new MedExplainInputException(path, $"has {name} {tag} '{Text(tag)}', which is not a number.");

    /// <summary>Gets an unsigned 16-bit (US) value, or null when absent.</summary>
    /// <param name="tag">The tag.</param>
    public int? UnsignedShort(DicomTag tag) => UnsignedShorts(tag) is [var first, ..] ? first : null;

    /// <summary>Gets all unsigned 16-bit (US) values.</summary>
    /// <param name="tag">The tag.</param>
    public int[] UnsignedShorts(DicomTag tag)
    {
        if (Get(tag) is not { } element)
        {
            return [];
        }

        ReadOnlySpan<byte> bytes = element.Value.Span;
        var values = new int[bytes.Length / 2];
        for (int n = 0; n < values.Length; n++)
        {
            values[n] = BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes[(2 * n)..]) : BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * n)..]);
        }

        return values;
    }

    /// <summary>Gets the first unsigned 32-bit (UL) value, or null when absent.</summary>
    /// <param name="tag">The tag.</param>
    public long? UnsignedLong(DicomTag tag)
    {
        if (Get(tag) is not { Value.Length: >= 4 } element)
        {
            return null;
        }

        ReadOnlySpan<byte> bytes = element.Value.Span;
        return BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    /// <summary>Gets the items of a sequence (empty when absent).</summary>
    /// <param name="tag">The tag.</param>
    public IReadOnlyList<DicomDataset> Sequence(DicomTag tag) => Get(tag)?.Items ?? [];
}
