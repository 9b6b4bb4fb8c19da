using System.Buffers.Binary;
using System.Text;

namespace MedExplain.Imaging.Nifti;

/// <summary>The fields of a NIfTI-1 or NIfTI-2 header that reading and writing need, in float64.</summary>
public sealed record NiftiHeader
{
    /// <summary>Gets 1 or 2.</summary>
    public required int Version { get; init; }

    /// <summary>Gets a value indicating whether the file is big endian.</summary>
    public bool BigEndian { get; init; }

    /// <summary>Gets dim[0..7]: the rank, then the sizes.</summary>
    public required long[] Dim { get; init; }

    /// <summary>Gets the datatype code.</summary>
    public required int DataTypeCode { get; init; }

    /// <summary>Gets pixdim[0..7]: qfac, then voxel sizes.</summary>
    public required double[] PixDim { get; init; }

    /// <summary>Gets the byte offset of the voxels.</summary>
    public required long VoxOffset { get; init; }

    /// <summary>Gets the scale slope (0 or NaN: no scaling).</summary>
    public double SclSlope { get; init; }

    /// <summary>Gets the scale intercept.</summary>
    public double SclInter { get; init; }

    /// <summary>Gets the units byte (space in bits 0-2, time in bits 3-5).</summary>
    public int XyztUnits { get; init; }

    /// <summary>Gets the qform code.</summary>
    public int QformCode { get; init; }

    /// <summary>Gets the sform code.</summary>
    public int SformCode { get; init; }

    /// <summary>Gets quatern_b, c, d.</summary>
    public double[] Quatern { get; init; } = [0, 0, 0];

    /// <summary>Gets qoffset_x, y, z.</summary>
    public double[] QOffset { get; init; } = [0, 0, 0];

    /// <summary>Gets srow_x, srow_y, srow_z (12 values).</summary>
    public double[] SRows { get; init; } = new double[12];

    /// <summary>Gets the description text.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Gets the magic: "n+1", "ni1", "n+2" or "ni2".</summary>
    public required string Magic { get; init; }

    /// <summary>Gets the header size in bytes: 348 or 540.</summary>
    public int HeaderSize => Version == 1 ? 348 : 540;

    /// <summary>Gets the sizes of the axes in use, dim[1..dim[0]].</summary>
    public long[] Sizes => Dim[1..(int)(Dim[0] + 1)];

    /// <summary>Gets a value indicating whether scaling applies (a finite slope that is not 0).</summary>
    public bool HasScaling => double.IsFinite(SclSlope) && SclSlope != 0;

    /// <summary>Parses and checks a header; <paramref name="bytes"/> holds at least 540 bytes or the whole file.</summary>
    /// <param name="bytes">The start of the file.</param>
    /// <param name="path">The file, for messages.</param>
    /// <exception cref="MedExplainInputException">Not NIfTI, or a header that contradicts itself.</exception>
    public static NiftiHeader Parse(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length < 348)
        {
            throw new MedExplainInputException(path, $"is not a NIfTI file: {bytes.Length} bytes is shorter than a NIfTI-1 header (348 bytes).");
        }

        int sizeLittle = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        int sizeBig = BinaryPrimitives.ReadInt32BigEndian(bytes);
        (int version, bool bigEndian) = (sizeLittle, sizeBig) switch
        {
            (348, _) => (1, false),
            (540, _) => (2, false),
            (_, 348) => (1, true),
            (_, 540) => (2, true),
            _ => throw new MedExplainInputException(path, $"is not a NIfTI file: the header size field is {sizeLittle}, not 348 (NIfTI-1) or 540 (NIfTI-2)."),
        };
        if (version == 2 && bytes.Length < 540)
        {
            throw new MedExplainInputException(path, "is truncated: a NIfTI-2 header needs 540 bytes.");
        }

        var reader = new FieldReader(bytes.ToArray(), bigEndian);
        NiftiHeader header = version == 1 ? ParseVersion1(reader, bytes) : ParseVersion2(reader, bytes);
        header.Validate(path);
        return header;
    }

    private static NiftiHeader ParseVersion1(FieldReader r, ReadOnlySpan<byte> bytes)
    {
        string magic = Text(bytes.Slice(344, 4));
        return new NiftiHeader
        {
            Version = 1,
            BigEndian = r.BigEndian,
            Dim = [.. Enumerable.Range(0, 8).Select(n => (long)r.Int16(40 + (2 * n)))],
            DataTypeCode = r.Int16(70),
            PixDim = [.. Enumerable.Range(0, 8).Select(n => (double)r.Single(76 + (4 * n)))],
            VoxOffset = r.Single(108) is var offset && offset == Math.Floor(offset) ? (long)offset : -1,
            SclSlope = r.Single(112),
            SclInter = r.Single(116),
            XyztUnits = bytes[123],
            Description = Text(bytes.Slice(148, 80)),
            QformCode = r.Int16(252),
            SformCode = r.Int16(254),
            Quatern = [r.Single(256), r.Single(260), r.Single(264)],
            QOffset = [r.Single(268), r.Single(272), r.Single(276)],
            SRows = [.. Enumerable.Range(0, 12).Select(n => (double)r.Single(280 + (4 * n)))],
            Magic = magic,
        };
    }

    private static NiftiHeader ParseVersion2(FieldReader r, ReadOnlySpan<byte> bytes) => new()
    {
        Version = 2,
        BigEndian = r.BigEndian,
        Magic = Text(bytes.Slice(4, 4)),
        DataTypeCode = r.Int16(12),
        Dim = [.. Enumerable.Range(0, 8).Select(n => r.Int64(16 + (8 * n)))],
        PixDim = [.. Enumerable.Range(0, 8).Select(n => r.Double(104 + (8 * n)))],
        VoxOffset = r.Int64(168),
        SclSlope = r.Double(176),
        SclInter = r.Double(184),
        Description = Text(bytes.Slice(240, 80)),
        QformCode = r.Int32(344),
        SformCode = r.Int32(348),
        Quatern = [r.Double(352), r.Double(360), r.Double(368)],
        QOffset = [r.Double(376), r.Double(384), r.Double(392)],
        SRows = [.. Enumerable.Range(0, 12).Select(n => r.Double(400 + (8 * n)))],
        XyztUnits = r.Int32(500),
    };

    private void Validate(string path)
    {
        string expected = Version == 1 ? "n+1" : "n+2";
        string pair = Version == 1 ? "ni1" : "ni2";
        if (Magic != expected && Magic != pair)
        {
            throw new MedExplainInputException(path, Version == 1 && Magic.Length == 0
                ? "is an ANALYZE 7.5 header without NIfTI magic: it has no orientation, so MedExplain does not read it."
                : $"has NIfTI magic \"{Magic}\" where \"{expected}\" was expected.");
        }

        if (Dim[0] is < 1 or > 7)
        {
            throw new MedExplainInputException(path, $"has dim[0] = {Dim[0]}; a NIfTI file has 1 to 7 dimensions.");
        }

        for (int n = 1; n <= Dim[0]; n++)
        {
            if (Dim[n] < 1)
            {
                throw new MedExplainInputException(path, $"has dim[{n}] = {Dim[n]}; every size must be at least 1.");
            }
        }

        if (Magic == expected && VoxOffset < HeaderSize + 4)
        {
            throw new MedExplainInputException(path, $"has vox_offset {VoxOffset}; a single-file NIfTI-{Version} needs a whole number of at least {HeaderSize + 4}.");
        }
    }

    private static string Text(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.Latin1.GetString(end < 0 ? field : field[..end]).Trim();
    }

    /// <summary>Reads numbers at fixed offsets in the file's byte order.</summary>
    private sealed class FieldReader(byte[] bytes, bool bigEndian)
    {
        private readonly byte[] _bytes = bytes;

        public bool BigEndian { get; } = bigEndian;

        public short Int16(int at) => BigEndian ? BinaryPrimitives.ReadInt16BigEndian(_bytes.AsSpan(at)) : BinaryPrimitives.ReadInt16LittleEndian(_bytes.AsSpan(at));

        public int Int32(int at) => BigEndian ? BinaryPrimitives.ReadInt32BigEndian(_bytes.AsSpan(at)) : BinaryPrimitives.ReadInt32LittleEndian(_bytes.AsSpan(at));

        public long Int64(int at) => BigEndian ? BinaryPrimitives.ReadInt64BigEndian(_bytes.AsSpan(at)) : BinaryPrimitives.ReadInt64LittleEndian(_bytes.AsSpan(at));

        public float Single(int at) => BigEndian ? BinaryPrimitives.ReadSingleBigEndian(_bytes.AsSpan(at)) : BinaryPrimitives.ReadSingleLittleEndian(_bytes.AsSpan(at));

        public double Double(int at) => BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(_bytes.AsSpan(at)) : BinaryPrimitives.ReadDoubleLittleEndian(_bytes.AsSpan(at));
    }
}
