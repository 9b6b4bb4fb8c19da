namespace MedExplain.Imaging.Dicom;

/// <summary>One parsed element: a value, the items of a sequence, or the fragments of encapsulated pixel data.</summary>
/// <param name="Tag">The tag.</param>
/// <param name="Vr">The value representation, from the stream or the dictionary ("UN" when unknown).</param>
/// <param name="Value">The raw value bytes (empty for sequences and encapsulated data).</param>
/// <param name="Items">The items of a sequence, else empty.</param>
/// <param name="Fragments">The fragments of encapsulated Pixel Data (the offset table first), else null.</param>
public sealed record DicomElement(DicomTag Tag, string Vr, ReadOnlyMemory<byte> Value, IReadOnlyList<DicomDataset> Items, IReadOnlyList<ReadOnlyMemory<byte>>? Fragments = null);
