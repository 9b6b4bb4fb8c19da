using System.IO.Compression;
using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.IO;
using MedExplain.Imaging.Samples;

namespace MedExplain.Imaging.Nifti;

/// <summary>Reads NIfTI-1 and NIfTI-2 files (.nii, .nii.gz, .hdr/.img pairs), either byte order.</summary>
public static class NiftiReader
{
    /// <summary>Gets a value indicating whether <paramref name="path"/> is named like a NIfTI file.</summary>
    /// <param name="path">A file name.</param>
    public static bool HasNiftiName(string path) =>
        path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".hdr", StringComparison.OrdinalIgnoreCase) || IsPairImage(path);

    /// <summary>The header of a .hdr/.img pair when given by its .img (or .img.gz) half; any other path as it is.</summary>
    /// <param name="path">A file name.</param>
    /// <exception cref="MedExplainInputException">An .img whose .hdr is missing.</exception>
    public static string HeaderOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!IsPairImage(path))
        {
            return path;
        }

        string header = path[..^(path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? 7 : 4)] + ".hdr";
        return File.Exists(header)
            ? header
            : throw new MedExplainInputException(path, "is the image half of an Analyze/NIfTI .hdr/.img pair, but its .hdr header is missing.");
    }

    private static bool IsPairImage(string path) =>
        path.EndsWith(".img", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".img.gz", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads just the header.</summary>
    /// <param name="path">The file.</param>
    public static NiftiHeader ReadHeader(string path)
    {
        path = HeaderOf(path);
        using Stream stream = Open(path);
        return ReadHeader(stream, path);
    }

    /// <summary>Reads one 3D volume: voxels (scaled when the header says so) and the voxel-to-world affine.</summary>
    /// <param name="path">The file.</param>
    /// <param name="volume">Which volume of a 4D (or higher) file, counting from 0.</param>
    /// <exception cref="MedExplainInputException">The file is missing, not NIfTI, truncated or inconsistent.</exception>
    public static MedicalImage Read(string path, int volume = 0)
    {
        path = HeaderOf(path);
        using Stream stream = Open(path);
        return Read(stream, path, new FileInfo(path).Length, volume);
    }

    /// <summary>Reads one volume of a single-file NIfTI (.nii) from a stream, such as an inflating one.</summary>
    /// <param name="stream">The file's bytes from its first byte (already decompressed).</param>
    /// <param name="path">Its name, for messages (and for the .img of a .hdr/.img pair).</param>
    /// <param name="fileLength">Its length on disk, which bounds what a compressed stream may claim to hold.</param>
    /// <param name="volume">Which volume of a 4D (or higher) file, counting from 0.</param>
    /// <exception cref="MedExplainInputException">Not NIfTI, truncated or inconsistent.</exception>
    public static MedicalImage Read(Stream stream, string path, long fileLength, int volume = 0)
    {
        ArgumentNullException.ThrowIfNull(stream);
        NiftiHeader header = ReadHeader(stream, path);
        (SampleType type, int channels) = NiftiDataType.Resolve(header.DataTypeCode, path);
        long[] sizes = header.Sizes;
        int[] dims = [(int)Size(sizes, 0), (int)Size(sizes, 1), (int)Size(sizes, 2)];
        long volumes = VolumeCount(sizes, path);
        long samples = VoxelsPerVolume(sizes, channels, path);
        if (volume < 0 || volume >= volumes)
        {
            throw new MedExplainInputException(path, $"has {volumes} volume(s); volume {volume} does not exist.");
        }

        long volumeBytes = samples * type.Size();
        using Stream? paired = header.Magic is "n+1" or "n+2" ? null : OpenPairedImage(path);
        Stream data = paired ?? stream;
        long start = (data == stream ? header.VoxOffset - header.HeaderSize : header.VoxOffset) + (volume * volumeBytes);
        long needed = RequiredBytes(header.VoxOffset, volumes, volumeBytes, path);
        if (data.CanSeek && needed > data.Length)
        {
            throw new MedExplainInputException(path, $"is truncated: {volumes} volume(s) of {type.Name()} data from byte {header.VoxOffset} need {needed} bytes, the file has {data.Length}.");
        }

        BoundedReader.Skip(data, start, path);
        float[] interleaved = SampleReader.Read(data, samples, type, header.BigEndian, fileLength, path);
        float[] voxels = channels == 1 ? interleaved : Planar(interleaved, channels, path);
        if (header.HasScaling && channels == 1)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(voxels, (float)header.SclSlope, voxels);
            System.Numerics.Tensors.TensorPrimitives.Add(voxels, (float)header.SclInter, voxels);
        }

        Affine affine = NiftiAffine.Best(header, out string? warning);
        return new MedicalImage(dims, channels, voxels, affine, new ImageMetadata
        {
            Format = $"NIfTI-{header.Version}",
            Source = path,
            DataType = channels == 1 ? type.Name() : channels == 3 ? "rgb24" : "rgba32",
            FileDims = sizes,
            WorldCode = header.SformCode > 0 ? header.SformCode : header.QformCode,
            Warnings = warning is null ? [] : [warning],
            FreeText = header.Description.Length > 0 ? new Dictionary<string, string> { ["description"] = header.Description } : new Dictionary<string, string>(),
        });
    }

    /// <summary>Reads exactly the header's bytes (348 or 540), so the stream then stands at byte HeaderSize.</summary>
    private static NiftiHeader ReadHeader(Stream stream, string path)
    {
        var start = new byte[540];
        int got;
        try
        {
            got = stream.ReadAtLeast(start.AsSpan(0, 348), 348, throwOnEndOfStream: false);
            bool version2 = got == 348 && (BitConverter.ToInt32(start, 0) == 540 || System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(start) == 540);
            if (version2)
            {
                got += stream.ReadAtLeast(start.AsSpan(348, 192), 192, throwOnEndOfStream: false);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException) // zlib reports some corruption as an IOException
        {
            throw new MedExplainInputException(path, $"has corrupt gzip data ({e.Message}).", e);
        }

        return NiftiHeader.Parse(start.AsSpan(0, got), path);
    }

    private static long RequiredBytes(long offset, long volumes, long volumeBytes, string path)
    {
        try
        {
            return checked(offset + (volumes * volumeBytes));
        }
        catch (OverflowException)
        {
            throw new MedExplainInputException(path, "has dimensions whose byte count overflows.");
        }
    }

    private static long Size(long[] sizes, int axis) => axis < sizes.Length ? sizes[axis] : 1;

    private static long VolumeCount(long[] sizes, string path)
    {
        try
        {
            return sizes.Skip(3).Aggregate(1L, (product, size) => checked(product * size));
        }
        catch (OverflowException)
        {
            throw new MedExplainInputException(path, $"has dimensions {string.Join("×", sizes)} whose product overflows.");
        }
    }

    private static long VoxelsPerVolume(long[] sizes, int channels, string path)
    {
        long product;
        try
        {
            product = checked(Size(sizes, 0) * Size(sizes, 1) * Size(sizes, 2) * channels);
        }
        catch (OverflowException)
        {
            product = long.MaxValue;
        }

        if (product > Array.MaxLength)
        {
            throw new MedExplainInputException(path, $"has a volume of {string.Join("×", sizes.Take(3))} voxels, more than MedExplain holds in memory at once.");
        }

        return product;
    }

    private static float[] Planar(float[] interleaved, int channels, string path)
    {
        int count = interleaved.Length / channels;
        float[] planar = MemoryLimit.NewFloats(interleaved.Length, path, "the channels, reordered");
        for (int n = 0; n < count; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                planar[(c * count) + n] = interleaved[(n * channels) + c];
            }
        }

        return planar;
    }

    private static Stream OpenPairedImage(string path)
    {
        string stem = path.EndsWith(".hdr", StringComparison.OrdinalIgnoreCase) ? path[..^4] : Path.ChangeExtension(path, null);
        string image = File.Exists(stem + ".img") ? stem + ".img" : stem + ".img.gz";
        return File.Exists(image)
            ? Open(image)
            : throw new MedExplainInputException(path, "is the header of a .hdr/.img pair, but its .img file is missing.");
    }

    /// <summary>Opens a file, unwrapping gzip when its first bytes say so (whatever its name).</summary>
    /// <param name="path">The file.</param>
    public static Stream Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "file not found.");
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        int got = file.Read(magic);
        file.Position = 0;
        return got == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
    }
}
