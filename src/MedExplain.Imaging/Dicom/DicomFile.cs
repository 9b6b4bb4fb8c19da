using System.IO.Compression;
using System.Text;
using MedExplain.Imaging.IO;

namespace MedExplain.Imaging.Dicom;

/// <summary>A parsed DICOM Part 10 file: its file meta, its data set and the transfer syntax that encodes it.</summary>
public sealed class DicomFile
{
    private const int MaxFileBytes = int.MaxValue - 64;

    private DicomFile(string path, DicomDataset dataset, TransferSyntax syntax, IReadOnlyList<string> warnings)
    {
        Path = path;
        Dataset = dataset;
        Syntax = syntax;
        Warnings = warnings;
    }

    /// <summary>Gets the file read.</summary>
    public string Path { get; }

    /// <summary>Gets the data set (everything after the file meta).</summary>
    public DicomDataset Dataset { get; }

    /// <summary>Gets the transfer syntax.</summary>
    public TransferSyntax Syntax { get; }

    /// <summary>Gets what the reader noticed and worked around.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Reads and parses a file (all elements; pixel data stays raw until decoded).</summary>
    /// <param name="path">The file.</param>
    /// <param name="stopAtPixelData">True to stop before Pixel Data, for a quick look at the header.</param>
    /// <exception cref="MedExplainInputException">Not DICOM, truncated or malformed.</exception>
    public static DicomFile Read(string path, bool stopAtPixelData = false)
    {
        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "file not found.");
        }

        return Parse(ReadBytes(path), path, stopAtPixelData);
    }

    /// <summary>Parses a file already in memory.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="path">Its name, for messages.</param>
    /// <param name="stopAtPixelData">True to stop before Pixel Data.</param>
    /// <exception cref="MedExplainInputException">Not DICOM, truncated or malformed.</exception>
    public static DicomFile Parse(byte[] bytes, string path, bool stopAtPixelData = false)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var warnings = new List<string>();
        int start = DataStart(bytes, path);
        TransferSyntax syntax = TransferSyntax.ImplicitLittleEndian;
        int position = start;
        if (start == 132)
        {
            var meta = new DicomParser(bytes, start, explicitVr: true, bigEndian: false, path);
            DicomDataset metaSet = meta.ReadDataset(tag => tag.Group != 0x0002);
            string uid = metaSet.Text(DicomTag.TransferSyntaxUid)
                ?? throw new MedExplainInputException(path, "has no Transfer Syntax UID (0002,0010) in its file meta.");
            syntax = TransferSyntax.FromUid(uid);
            position = meta.Position;
        }
        else
        {
            warnings.Add("has no DICOM preamble; read as an old-style implicit VR little endian data set.");
        }

        ReadOnlyMemory<byte> body = bytes;
        if (syntax.Deflated)
        {
            body = Inflate(bytes.AsMemory(position), path);
            position = 0;
        }

        bool explicitVr = syntax.ExplicitVr;
        if (syntax.Codec != PixelCodec.Unsupported && position + 6 <= body.Length && LooksExplicit(body.Span[(position + 4)..]) != explicitVr)
        {
            explicitVr = !explicitVr;
            warnings.Add($"says {syntax.Name} but its data set is {(explicitVr ? "explicit" : "implicit")} VR; read as it is.");
        }

        var parser = new DicomParser(body, position, explicitVr, syntax.BigEndian, path);
        DicomDataset dataset = parser.ReadDataset(stopAtPixelData ? tag => tag == DicomTag.PixelData : null);
        return new DicomFile(path, dataset, syntax, warnings);
    }

    /// <summary>Gets a value indicating whether a file starts like DICOM (preamble and DICM), without parsing it.</summary>
    /// <param name="path">The file.</param>
    public static bool HasDicomMagic(string path)
    {
        try
        {
            using FileStream stream = File.OpenRead(path);
            var head = new byte[132];
            return stream.ReadAtLeast(head, 132, throwOnEndOfStream: false) == 132 && head.AsSpan(128, 4).SequenceEqual("DICM"u8);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static byte[] ReadBytes(string path)
    {
        using FileStream stream = File.OpenRead(path);
        if (stream.Length > MaxFileBytes)
        {
            throw new MedExplainInputException(path, $"is {stream.Length} bytes; MedExplain reads DICOM files up to 2 GiB.");
        }

        return BoundedReader.ReadExactly(stream, stream.Length, path, "the file");
    }

    /// <summary>Finds the data set: after the 128-byte preamble and DICM, or at 0 for old files that start with a sane group 0008 element.</summary>
    private static int DataStart(byte[] bytes, string path)
    {
        if (bytes.Length >= 132 && bytes.AsSpan(128, 4).SequenceEqual("DICM"u8))
        {
            return 132;
        }

        bool oldStyle = bytes.Length >= 8 && bytes[0] == 0x08 && bytes[1] == 0x00 && bytes[2] % 2 == 0
            && BitConverter.ToUInt32(bytes, 4) < (uint)bytes.Length;
        return oldStyle ? 0 : throw new MedExplainInputException(path, bytes.Length == 0
            ? "is empty (0 bytes), not a DICOM file."
            : "is not a DICOM file: no 'DICM' marker at byte 128 and no DICOM data set at its start.");
    }

    private static bool LooksExplicit(ReadOnlySpan<byte> vr) =>
        vr.Length >= 2 && vr[0] is >= (byte)'A' and <= (byte)'Z' && vr[1] is >= (byte)'A' and <= (byte)'Z'
        && DicomDictionary.IsVr(Encoding.ASCII.GetString(vr[..2]));

    private static byte[] Inflate(ReadOnlyMemory<byte> deflated, string path)
    {
        using var input = new MemoryStream(deflated.ToArray());
        using var inflater = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        try
        {
            var buffer = new byte[1 << 16];
            int n;
            while ((n = inflater.Read(buffer)) > 0)
            {
                if (output.Length + n > MaxFileBytes)
                {
                    throw new MedExplainInputException(path, "inflates to more than 2 GiB; refused.");
                }

                // Checked while inflating: a bomb stops at the memory limit, not after it.
                MemoryLimit.Reserve(output.Length + n, path, "the inflated data set");

                output.Write(buffer, 0, n);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException) // zlib reports some corruption as an IOException
        {
            throw new MedExplainInputException(path, $"has a corrupt deflated data set ({e.Message}).", e);
        }

        return output.ToArray();
    }
}
