using System.Buffers.Binary;

namespace MedExplain.Imaging.Dicom;

/// <summary>Stored values to modality values (PS3.3 C.11.1): a linear rescale or a lookup table.</summary>
/// <param name="Slope">Rescale Slope.</param>
/// <param name="Intercept">Rescale Intercept.</param>
/// <param name="Table">The Modality LUT entries, or null for the linear rescale.</param>
/// <param name="FirstMapped">The stored value that maps to the first LUT entry.</param>
internal sealed record ModalityTransform(double Slope, double Intercept, float[]? Table, int FirstMapped)
{
    /// <summary>Reads a Modality LUT Sequence item.</summary>
    public static ModalityTransform FromLut(DicomDataset item, bool signed, string path)
    {
        int[] descriptor = item.UnsignedShorts(DicomTag.LutDescriptor);
        DicomElement? data = item.Get(DicomTag.LutData);
        if (descriptor.Length != 3 || data is null)
        {
            throw new MedExplainInputException(path, "has a Modality LUT without a valid LUT Descriptor and LUT Data.");
        }

        int entries = descriptor[0] == 0 ? 65536 : descriptor[0];
        int first = signed ? (short)descriptor[1] : descriptor[1];
        int bytes = descriptor[2] > 8 ? 2 : 1;
        ReadOnlySpan<byte> raw = data.Value.Span;
        if (raw.Length < entries * (descriptor[2] > 8 || data.Vr == "OW" ? 2 : 1))
        {
            throw new MedExplainInputException(path, $"has a Modality LUT of {raw.Length} bytes for {entries} entries.");
        }

        var table = new float[entries];
        for (int n = 0; n < entries; n++)
        {
            table[n] = bytes == 2 || data.Vr == "OW"
                ? (item.BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(raw[(2 * n)..]) : BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * n)..]))
                : raw[n];
        }

        return new ModalityTransform(1, 0, table, first);
    }

    /// <summary>Applies the transform in place.</summary>
    public void Apply(Span<float> values)
    {
        if (Table is { } table)
        {
            for (int n = 0; n < values.Length; n++)
            {
                values[n] = table[Math.Clamp((int)values[n] - FirstMapped, 0, table.Length - 1)];
            }
        }
        else if (Slope != 1 || Intercept != 0)
        {
            // Exact for integer stored values times integer-ish slopes; within float rounding otherwise.
            System.Numerics.Tensors.TensorPrimitives.Multiply(values, (float)Slope, values);
            System.Numerics.Tensors.TensorPrimitives.Add(values, (float)Intercept, values);
        }
    }
}
