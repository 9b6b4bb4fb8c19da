using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Samples;

namespace MedExplain.Imaging.Nifti;

/// <summary>Writes NIfTI-1 (little endian, .nii or .nii.gz by the name) on the grid of a reference image.</summary>
/// <remarks>qform and sform are written identical with the same code, so ITK-SNAP, 3D Slicer and FSLeyes place the map alike.</remarks>
public static class NiftiWriter
{
    private const int VoxOffset = 352;

    /// <summary>Writes an image: float32 data unless <paramref name="type"/> says uint8 or int16 (label maps).</summary>
    /// <param name="path">The output; a name ending in .gz is gzip-compressed.</param>
    /// <param name="image">The voxels and geometry; colour images are written as one volume per channel (4D).</param>
    /// <param name="type">The stored type.</param>
    /// <param name="description">Up to 79 characters kept in the header's descrip field.</param>
    public static void Write(string path, MedicalImage image, SampleType type = SampleType.Float32, string description = "MedExplain")
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(image);
        byte[] header = Header(image, type, description);
        AtomicFile.Write(path, file => WriteBody(file, header, image, type, path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Writes an image to a stream, as <see cref="Write(string, MedicalImage, SampleType, string)"/> writes a file.</summary>
    /// <param name="output">The stream (left open).</param>
    /// <param name="image">The voxels and geometry.</param>
    /// <param name="compress">True for gzip (.nii.gz), false for plain .nii.</param>
    /// <param name="type">The stored type.</param>
    /// <param name="description">Up to 79 characters kept in the header's descrip field.</param>
    public static void WriteTo(Stream output, MedicalImage image, bool compress, SampleType type = SampleType.Float32, string description = "MedExplain")
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(image);
        WriteBody(output, Header(image, type, description), image, type, compress);
    }

    private static void WriteBody(Stream output, byte[] header, MedicalImage image, SampleType type, bool compress)
    {
        if (!compress)
        {
            Body(output);
            return;
        }

        using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        Body(gzip);

        void Body(Stream stream)
        {
            stream.Write(header);
            stream.Write(new byte[VoxOffset - header.Length]);
            stream.Write(Samples(image.Voxels, type));
        }
    }

    private static byte[] Header(MedicalImage image, SampleType type, string description)
    {
        var h = new byte[348];
        Span<byte> s = h;
        BinaryPrimitives.WriteInt32LittleEndian(s, 348);
        short[] dim = image.Channels > 1
            ? [4, (short)image.Dims[0], (short)image.Dims[1], (short)image.Dims[2], (short)image.Channels, 1, 1, 1]
            : [3, (short)image.Dims[0], (short)image.Dims[1], (short)image.Dims[2], 1, 1, 1, 1];
        if (image.Dims.Any(d => d > short.MaxValue))
        {
            throw new ArgumentException("NIfTI-1 holds at most 32767 voxels per axis.", nameof(image));
        }

        for (int n = 0; n < 8; n++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(s[(40 + (2 * n))..], dim[n]);
        }

        BinaryPrimitives.WriteInt16LittleEndian(s[70..], NiftiDataType.Code(type));
        BinaryPrimitives.WriteInt16LittleEndian(s[72..], (short)(type.Size() * 8));
        double[] spacing = image.Spacing;
        var quaternion = NiftiAffine.Quaternion(image.Affine);
        float[] pixdim = [(float)(quaternion?.Qfac ?? 1), (float)spacing[0], (float)spacing[1], (float)spacing[2], 1, 1, 1, 1];
        for (int n = 0; n < 8; n++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(s[(76 + (4 * n))..], pixdim[n]);
        }

        BinaryPrimitives.WriteSingleLittleEndian(s[108..], VoxOffset);
        BinaryPrimitives.WriteSingleLittleEndian(s[112..], 1);
        BinaryPrimitives.WriteSingleLittleEndian(s[116..], 0);
        s[123] = 2; // millimetres
        (float low, float high) = DisplayRange(image.Voxels);
        BinaryPrimitives.WriteSingleLittleEndian(s[124..], high);
        BinaryPrimitives.WriteSingleLittleEndian(s[128..], low);
        Encoding.ASCII.GetBytes(description.Length > 79 ? description[..79] : description).CopyTo(s[148..]);
        short code = (short)Math.Max(1, image.Metadata.WorldCode);
        Affine affine = image.Affine;
        if (quaternion is { } q)
        {
            BinaryPrimitives.WriteInt16LittleEndian(s[252..], code);
            float[] quatern = [(float)q.B, (float)q.C, (float)q.D, (float)affine[0, 3], (float)affine[1, 3], (float)affine[2, 3]];
            for (int n = 0; n < 6; n++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(s[(256 + (4 * n))..], quatern[n]);
            }
        }

        BinaryPrimitives.WriteInt16LittleEndian(s[254..], code);
        for (int n = 0; n < 12; n++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(s[(280 + (4 * n))..], (float)affine[n / 4, n % 4]);
        }

        "n+1\0"u8.CopyTo(s[344..]);
        return h;
    }

    /// <summary>Gets cal_min/cal_max: symmetric around 0 for signed maps, 0..max otherwise.</summary>
    private static (float Low, float High) DisplayRange(float[] voxels)
    {
        float min = 0, max = 0;
        foreach (float v in voxels)
        {
            if (float.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        return min < 0 ? (-Math.Max(-min, max), Math.Max(-min, max)) : (0, max);
    }

    private static byte[] Samples(float[] voxels, SampleType type)
    {
        var bytes = new byte[voxels.Length * type.Size()];
        for (int n = 0; n < voxels.Length; n++)
        {
            float v = float.IsFinite(voxels[n]) ? voxels[n] : 0; // many viewers mishandle NaN
            switch (type)
            {
                case SampleType.UInt8: bytes[n] = (byte)Math.Clamp(MathF.Round(v), 0, 255); break;
                case SampleType.Int16: BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * n), (short)Math.Clamp(MathF.Round(v), short.MinValue, short.MaxValue)); break;
                default: BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * n), v); break;
            }
        }

        return bytes;
    }
}
