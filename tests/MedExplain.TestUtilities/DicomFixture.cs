using System.Globalization;
using System.Text;

namespace MedExplain.TestUtilities;

/// <summary>Makes DICOM files with dcmtk's dump2dcm from a description and stored pixel values, then converts them with dcmtk/gdcm tools.</summary>
public sealed record DicomFixture
{
    public int Rows { get; init; } = 5;

    public int Columns { get; init; } = 6;

    public int Frames { get; init; } = 1;

    public int SamplesPerPixel { get; init; } = 1;

    public int BitsAllocated { get; init; } = 16;

    public int BitsStored { get; init; } = 16;

    public int HighBit { get; init; } = -1;

    public bool IsSigned { get; init; }

    public bool Planar { get; init; }

    public string Photometric { get; init; } = "MONOCHROME2";

    /// <summary>Gets garbage put in the bits above High Bit, which readers must mask away.</summary>
    public uint HighGarbage { get; init; }

    public string Modality { get; init; } = "CT";

    /// <summary>Gets the VR of Pixel Data; null for OB when 8-bit, else OW.</summary>
    public string? PixelVr { get; init; }

    public IReadOnlyList<string> ExtraLines { get; init; } = [];

    /// <summary>Gets stored values in file order (interleaved or planar as <see cref="Planar"/> says), frame after frame.</summary>
    public required long[] Stored { get; init; }

    public int EffectiveHighBit => HighBit < 0 ? BitsStored - 1 : HighBit;

    /// <summary>Random stored values that fit the bit depth and sign.</summary>
    public static long[] RandomValues(int count, int bitsStored, bool isSigned, int seed)
    {
        var random = new Random(seed);
        long low = isSigned ? -(1L << (bitsStored - 1)) : 0;
        long high = isSigned ? (1L << (bitsStored - 1)) - 1 : (1L << bitsStored) - 1;
        return [.. Enumerable.Range(0, count).Select(n => n switch { 0 => low, 1 => high, _ => random.NextInt64(low, high + 1) })];
    }

    /// <summary>Writes the file with explicit VR little endian and returns its path.</summary>
    public string Write(TempDirectory temp, string name)
    {
        ExternalTools.Require("dump2dcm", "dcmtk");
        int bytes = BitsAllocated / 8;
        var raw = new byte[Stored.Length * bytes];
        int shift = EffectiveHighBit + 1 - BitsStored;
        for (int n = 0; n < Stored.Length; n++)
        {
            ulong mask = (1UL << BitsStored) - 1;
            ulong word = (((ulong)Stored[n] & mask) << shift) | (HighGarbage << (EffectiveHighBit + 1));
            for (int b = 0; b < bytes; b++)
            {
                raw[(n * bytes) + b] = (byte)(word >> (8 * b));
            }
        }

        string pixels = temp.Write(name + ".raw", raw);
        var dump = new StringBuilder();
        dump.AppendLine("(0002,0010) UI =LittleEndianExplicit");
        dump.AppendLine("(0008,0016) UI =SecondaryCaptureImageStorage");
        dump.AppendLine("(0008,0018) UI [1.2.826.0.1.3680043.2.1143.7]");
        dump.AppendLine($"(0008,0060) CS [{Modality}]");
        dump.AppendLine("(0010,0010) PN [Doe^Jane]");
        dump.AppendLine("(0010,0020) LO [PATIENT-ID-123]");
        dump.AppendLine("(0010,0030) DA [19700101]");
        foreach (string line in ExtraLines)
        {
            dump.AppendLine(line);
        }

        dump.AppendLine(Inv($"(0028,0002) US {SamplesPerPixel}"));
        dump.AppendLine($"(0028,0004) CS [{Photometric}]");
        if (SamplesPerPixel == 3)
        {
            dump.AppendLine($"(0028,0006) US {(Planar ? 1 : 0)}");
        }

        dump.AppendLine(Inv($"(0028,0008) IS [{Frames}]"));
        dump.AppendLine(Inv($"(0028,0010) US {Rows}"));
        dump.AppendLine(Inv($"(0028,0011) US {Columns}"));
        dump.AppendLine(Inv($"(0028,0100) US {BitsAllocated}"));
        dump.AppendLine(Inv($"(0028,0101) US {BitsStored}"));
        dump.AppendLine(Inv($"(0028,0102) US {EffectiveHighBit}"));
        dump.AppendLine($"(0028,0103) US {(IsSigned ? 1 : 0)}");
        dump.AppendLine($"(7fe0,0010) {PixelVr ?? (BitsAllocated == 8 ? "OB" : "OW")} ={pixels}");
        string dumpFile = temp.Write(name + ".dump", dump.ToString());
        string output = temp.File(name + ".dcm");
        ExternalTools.Run("dump2dcm", dumpFile, output);
        return output;
    }

    /// <summary>Runs a conversion tool (dcmconv, dcmcrle, dcmcjpeg, gdcmconv…) and returns the new file.</summary>
    public static string Convert(TempDirectory temp, string source, string tool, string package, params string[] options)
    {
        ExternalTools.Require(tool, package);
        string output = temp.File($"{Path.GetFileNameWithoutExtension(source)}-{tool}{string.Join(string.Empty, options)}.dcm".Replace('+', 'p').Replace(' ', '_'));
        ExternalTools.Run(tool, [.. options, source, output]);
        return output;
    }

    /// <summary>Gets the stored value of sample (column, row, frame, channel), wherever the file order put it.</summary>
    public long StoredAt(int column, int row, int frame, int channel)
    {
        int pixel = (row * Columns) + column;
        int perFrame = Rows * Columns * SamplesPerPixel;
        int index = Planar ? (channel * Rows * Columns) + pixel : (pixel * SamplesPerPixel) + channel;
        return Stored[(frame * perFrame) + index];
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
