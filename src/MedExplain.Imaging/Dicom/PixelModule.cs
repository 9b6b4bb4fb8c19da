namespace MedExplain.Imaging.Dicom;

/// <summary>The Image Pixel module (PS3.3 C.7.6.3): how the samples in Pixel Data are laid out.</summary>
internal sealed record PixelModule(
    int Rows,
    int Columns,
    int Frames,
    int SamplesPerPixel,
    int BitsAllocated,
    int BitsStored,
    int HighBit,
    bool Signed,
    bool Planar,
    string Photometric)
{
    private static readonly HashSet<string> Photometrics = ["MONOCHROME1", "MONOCHROME2", "RGB", "YBR_FULL", "YBR_FULL_422", "YBR_RCT", "YBR_ICT", "PALETTE COLOR"];

    /// <summary>No DICOM codec MedExplain decodes expands data more than this (JPEG baseline: 64 samples from 2 bits; RLE: 128 bytes from 2).</summary>
    public const long MaxCompressionRatio = 1024;

    /// <summary>Gets the samples in one frame (Read checks that every frame fits an array).</summary>
    public int SamplesPerFrame => Rows * Columns * SamplesPerPixel;

    /// <summary>Gets a value indicating whether the samples are 32-bit floats (Float Pixel Data, as in Parametric Maps).</summary>
    public bool IsFloat { get; init; }

    /// <summary>Gets the stored sample type's name, such as "int16".</summary>
    public string DataType => IsFloat ? "float32" : $"{(Signed ? "int" : "uint")}{BitsAllocated}";

    /// <summary>Reads and checks the module; every size is checked before anything is allocated.</summary>
    /// <param name="d">The data set.</param>
    /// <param name="pixelBytes">The bytes of Pixel Data (all fragments for encapsulated data); null to read the header alone.</param>
    /// <param name="encapsulated">Whether the pixels are compressed.</param>
    /// <param name="path">The file, for messages.</param>
    public static PixelModule Read(DicomDataset d, long? pixelBytes, bool encapsulated, string path)
    {
        int rows = d.UnsignedShort(DicomTag.Rows) ?? throw Missing(path, "Rows (0028,0010)");
        int columns = d.UnsignedShort(DicomTag.Columns) ?? throw Missing(path, "Columns (0028,0011)");
        int bitsAllocated = d.UnsignedShort(DicomTag.BitsAllocated) ?? throw Missing(path, "Bits Allocated (0028,0100)");
        int bitsStored = d.UnsignedShort(DicomTag.BitsStored) ?? bitsAllocated;
        int highBit = d.UnsignedShort(DicomTag.HighBit) ?? (bitsStored - 1);
        int samples = d.UnsignedShort(DicomTag.SamplesPerPixel) ?? 1;
        double frames = d.Number(DicomTag.NumberOfFrames, 1, path, "Number of Frames");
        string photometric = d.Text(DicomTag.PhotometricInterpretation) ?? (samples == 3 ? "RGB" : "MONOCHROME2");
        if (rows == 0 || columns == 0)
        {
            throw new MedExplainInputException(path, $"has an empty image ({columns}×{rows}).");
        }

        if (bitsAllocated is not (8 or 16 or 32))
        {
            throw new MedExplainInputException(path, $"has Bits Allocated {bitsAllocated}; MedExplain reads 8, 16 and 32 (1-bit segmentations are not supported).");
        }

        if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated)
        {
            throw new MedExplainInputException(path, $"has inconsistent bit layout: Bits Allocated {bitsAllocated}, Bits Stored {bitsStored}, High Bit {highBit}.");
        }

        if (samples is not (1 or 3))
        {
            throw new MedExplainInputException(path, $"has {samples} samples per pixel; MedExplain reads 1 (grey) or 3 (colour).");
        }

        if (!Photometrics.Contains(photometric) || (samples == 3) != photometric is "RGB" or "YBR_FULL" or "YBR_FULL_422" or "YBR_RCT" or "YBR_ICT")
        {
            throw new MedExplainInputException(path, $"has Photometric Interpretation {photometric} with {samples} sample(s) per pixel, which MedExplain does not read.");
        }

        if (photometric == "PALETTE COLOR")
        {
            throw new MedExplainInputException(path, "has PALETTE COLOR pixels, which MedExplain does not read yet.");
        }

        if (frames < 1 || frames != Math.Floor(frames) || frames > int.MaxValue)
        {
            throw new MedExplainInputException(path, $"has Number of Frames {frames}.");
        }

        long decoded = (long)rows * columns * samples * (long)frames;
        if (decoded > Array.MaxLength)
        {
            throw new MedExplainInputException(path, $"declares {columns}×{rows}×{samples}×{frames} samples, more than MedExplain holds in memory at once.");
        }

        if (encapsulated && pixelBytes is long compressed && decoded * (bitsAllocated / 8) > compressed * MaxCompressionRatio)
        {
            throw new MedExplainInputException(path, $"declares {decoded} samples but holds only {pixelBytes} bytes of compressed pixels; no supported codec compresses that far.");
        }

        var module = new PixelModule(rows, columns, (int)frames, samples, bitsAllocated, bitsStored, highBit,
            d.UnsignedShort(DicomTag.PixelRepresentation) == 1, d.UnsignedShort(DicomTag.PlanarConfiguration) == 1, photometric);
        long needed = (long)module.SamplesPerFrame * module.Frames * (bitsAllocated / 8);
        if (photometric == "YBR_FULL_422" && !encapsulated)
        {
            needed = needed * 2 / 3;
        }

        if (!encapsulated && pixelBytes is long native && needed > native)
        {
            throw new MedExplainInputException(path, $"has {pixelBytes} bytes of Pixel Data, but {columns}×{rows}×{samples}×{module.Frames} frames of {bitsAllocated}-bit samples need {needed}.");
        }

        return module;
    }

    /// <summary>Turns a raw stored sample into its value: drops bits above High Bit, shifts, sign-extends from Bits Stored.</summary>
    public long Value(uint raw)
    {
        long value = (raw >> (HighBit + 1 - BitsStored)) & ((1L << BitsStored) - 1);
        return Signed && (value & (1L << (BitsStored - 1))) != 0 ? value - (1L << BitsStored) : value;
    }

    private static MedExplainInputException Missing(string path, string what) => new(path, $"has Pixel Data but no {what}.");
}
