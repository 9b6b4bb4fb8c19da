namespace MedExplain.Imaging.Dicom;

/// <summary>How a DICOM data set and its pixels are encoded.</summary>
/// <param name="Uid">The transfer syntax UID.</param>
/// <param name="Name">Its name in the standard.</param>
/// <param name="ExplicitVr">Whether each element carries its VR.</param>
/// <param name="BigEndian">Whether numbers are big endian (retired 1.2.840.10008.1.2.2).</param>
/// <param name="Deflated">Whether the data set after the file meta is a raw deflate stream.</param>
/// <param name="Codec">The pixel compression, or <see cref="PixelCodec.None"/> for native pixels.</param>
public sealed record TransferSyntax(string Uid, string Name, bool ExplicitVr, bool BigEndian, bool Deflated, PixelCodec Codec)
{
    private static readonly Dictionary<string, TransferSyntax> Known = new TransferSyntax[]
    {
        new("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, PixelCodec.None),
        new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, PixelCodec.None),
        new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, PixelCodec.None),
        new("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false, PixelCodec.None) { BigEndianPixels = true },
        new("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", true, false, false, PixelCodec.JpegBaseline),
        new("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", true, false, false, PixelCodec.JpegExtended),
        new("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", true, false, false, PixelCodec.JpegLossless),
        new("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, SV1)", true, false, false, PixelCodec.JpegLossless),
        new("1.2.840.10008.1.2.5", "RLE Lossless", true, false, false, PixelCodec.Rle),
        new("1.2.840.113619.5.2", "GE Implicit VR Little Endian with big-endian pixels (private)", false, false, false, PixelCodec.None) { BigEndianPixels = true },
        new("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", true, false, false, PixelCodec.JpegLs),
        new("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless", true, false, false, PixelCodec.JpegLs),
        new("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless Only", true, false, false, PixelCodec.Jpeg2000),
        new("1.2.840.10008.1.2.4.91", "JPEG 2000", true, false, false, PixelCodec.Jpeg2000),
        new("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Lossless", true, false, false, PixelCodec.Jpeg2000),
        new("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Lossless", true, false, false, PixelCodec.Jpeg2000),
        new("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000", true, false, false, PixelCodec.Jpeg2000),
    }.ToDictionary(t => t.Uid);

    /// <summary>Syntaxes MedExplain names in its refusal but does not decode: video and JPEG XL.</summary>
    private static readonly Dictionary<string, string> Unsupported = new()
    {
        ["1.2.840.10008.1.2.4.100"] = "MPEG2 Main Profile / Main Level (video)",
        ["1.2.840.10008.1.2.4.101"] = "MPEG2 Main Profile / High Level (video)",
        ["1.2.840.10008.1.2.4.102"] = "MPEG-4 AVC/H.264 High Profile (video)",
        ["1.2.840.10008.1.2.4.103"] = "MPEG-4 AVC/H.264 BD-compatible High Profile (video)",
        ["1.2.840.10008.1.2.4.107"] = "HEVC/H.265 Main Profile (video)",
        ["1.2.840.10008.1.2.4.108"] = "HEVC/H.265 Main 10 Profile (video)",
        ["1.2.840.10008.1.2.4.110"] = "JPEG XL Lossless",
        ["1.2.840.10008.1.2.4.111"] = "JPEG XL JPEG Recompression",
        ["1.2.840.10008.1.2.4.112"] = "JPEG XL",
    };

    /// <summary>Gets the default syntax of files without file meta.</summary>
    public static TransferSyntax ImplicitLittleEndian => Known["1.2.840.10008.1.2"];

    /// <summary>Gets the syntax for a UID; an unknown or unsupported one keeps its name and reports it at pixel time.</summary>
    /// <param name="uid">The UID from (0002,0010).</param>
    public static TransferSyntax FromUid(string uid) =>
        Known.TryGetValue(uid, out TransferSyntax? syntax) ? syntax
        : new TransferSyntax(uid, Unsupported.GetValueOrDefault(uid, "unknown"), true, false, false, PixelCodec.Unsupported);

    /// <summary>Gets a value indicating whether native pixels are big endian: the retired big-endian syntax, and GE's
    /// private one, whose data set is little endian but whose pixel words are not.</summary>
    public bool BigEndianPixels { get; init; }

    /// <summary>Gets a label such as "1.2.840.10008.1.2.4.90 (JPEG 2000 Lossless Only)".</summary>
    public string Label => $"{Uid} ({Name})";
}

/// <summary>How Pixel Data is compressed.</summary>
public enum PixelCodec
{
    /// <summary>Native (uncompressed) pixels.</summary>
    None,

    /// <summary>JPEG baseline, 8-bit lossy.</summary>
    JpegBaseline,

    /// <summary>JPEG extended sequential, processes 2 and 4 (8 or 12 bits, lossy).</summary>
    JpegExtended,

    /// <summary>JPEG lossless, process 14, any predictor.</summary>
    JpegLossless,

    /// <summary>DICOM RLE lossless.</summary>
    Rle,

    /// <summary>JPEG-LS, lossless or near-lossless (CharLS).</summary>
    JpegLs,

    /// <summary>JPEG 2000 and High-Throughput JPEG 2000, lossless or lossy (OpenJPEG).</summary>
    Jpeg2000,

    /// <summary>A syntax MedExplain recognises but does not decode.</summary>
    Unsupported,
}
