using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using MedExplain.Imaging;
using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Nifti;

namespace MedExplain.Benchmarks;

/// <summary>Writes the benchmark inputs: an uncompressed CT-like DICOM series and a gzipped NIfTI volume.</summary>
internal static class SyntheticScans
{
    /// <summary>Writes <paramref name="slices"/> explicit VR little endian CT slices of size × size int16 pixels: random
    /// bytes, or (<paramref name="smooth"/>) a smooth anatomy-like pattern with a little noise, which codecs compress as
    /// they would a scan.</summary>
    public static void DicomSeries(string folder, int slices, int size, bool smooth = false)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(1);
        var pixels = new byte[size * size * 2];
        for (int k = 0; k < slices; k++)
        {
            if (smooth)
            {
                for (int n = 0; n < size * size; n++)
                {
                    double x = n % size, y = n / size;
                    short value = (short)((1000 * Math.Sin(x / 40) * Math.Cos((y + k) / 30)) + random.Next(-20, 21));
                    BinaryPrimitives.WriteInt16LittleEndian(pixels.AsSpan(2 * n), value);
                }
            }
            else
            {
                random.NextBytes(pixels);
            }

            var file = new List<byte>(pixels.Length + 512);
            file.AddRange(new byte[128]);
            file.AddRange("DICM"u8.ToArray());
            Text(file, 0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1\0");
            Text(file, 0x0008, 0x0060, "CS", "CT");
            Text(file, 0x0020, 0x000E, "UI", "1.2.3.4.5.6\0");
            Text(file, 0x0020, 0x0032, "DS", $"-250\\-250\\{k * 1.25:0.00}");
            Text(file, 0x0020, 0x0037, "DS", "1\\0\\0\\0\\1\\0");
            UnsignedShort(file, 0x0028, 0x0002, 1);
            Text(file, 0x0028, 0x0004, "CS", "MONOCHROME2");
            UnsignedShort(file, 0x0028, 0x0010, (ushort)size);
            UnsignedShort(file, 0x0028, 0x0011, (ushort)size);
            Text(file, 0x0028, 0x0030, "DS", "0.9765625\\0.9765625");
            UnsignedShort(file, 0x0028, 0x0100, 16);
            UnsignedShort(file, 0x0028, 0x0101, 16);
            UnsignedShort(file, 0x0028, 0x0102, 15);
            UnsignedShort(file, 0x0028, 0x0103, 1);
            Text(file, 0x0028, 0x1052, "DS", "-1024");
            Text(file, 0x0028, 0x1053, "DS", "1");
            Tag(file, 0x7FE0, 0x0010);
            file.AddRange("OW\0\0"u8.ToArray());
            file.AddRange(BitConverter.GetBytes((uint)pixels.Length));
            file.AddRange(pixels);
            File.WriteAllBytes(Path.Combine(folder, $"IM{(k * 7919) % slices:D5}"), [.. file]);
        }
    }

    /// <summary>Writes a float32 volume as .nii.gz.</summary>
    public static void NiftiGz(string path, int[] dims)
    {
        var random = new Random(2);
        float[] voxels = [.. Enumerable.Range(0, dims[0] * dims[1] * dims[2]).Select(n => (float)Math.Round(random.NextDouble() * 1000) / 8)];
        NiftiWriter.Write(path, new MedicalImage(dims, 1, voxels, Affine.Diagonal(1, 1, 1), new ImageMetadata { Format = "bench", Source = path, DataType = "float32" }));
    }

    private static void Text(List<byte> file, ushort group, ushort element, string vr, string value)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(value.Length % 2 == 1 ? value + " " : value);
        Tag(file, group, element);
        file.AddRange(Encoding.ASCII.GetBytes(vr));
        file.AddRange(BitConverter.GetBytes((ushort)bytes.Length));
        file.AddRange(bytes);
    }

    private static void UnsignedShort(List<byte> file, ushort group, ushort element, ushort value)
    {
        Tag(file, group, element);
        file.AddRange("US"u8.ToArray());
        file.AddRange(BitConverter.GetBytes((ushort)2));
        file.AddRange(BitConverter.GetBytes(value));
    }

    private static void Tag(List<byte> file, ushort group, ushort element)
    {
        var tag = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(tag, group);
        BinaryPrimitives.WriteUInt16LittleEndian(tag.AsSpan(2), element);
        file.AddRange(tag);
    }

    /// <summary>Decompresses a gzip file to nowhere: the floor for reading .nii.gz.</summary>
    public static long Gunzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = gzip.Read(buffer)) > 0)
        {
            total += n;
        }

        return total;
    }
}
