using System.Numerics;

namespace MedExplain.Imaging.Dicom.Writing;

/// <summary>UIDs for the objects MedExplain writes: "2.25." and a random UUID as a decimal integer (PS3.5 B.2), which
/// needs no registered root and never collides in practice.</summary>
internal static class DicomUids
{
    /// <summary>Gets MedExplain's implementation class UID (derived once from a fixed UUID).</summary>
    public static string ImplementationClass { get; } = FromGuid(new Guid("5f0b8f4e-4d1a-4c53-9c7e-6d2b1a7e0c11"));

    /// <summary>A new UID.</summary>
    public static string New() => FromGuid(Guid.NewGuid());

    private static string FromGuid(Guid guid) => "2.25." + new BigInteger(guid.ToByteArray(bigEndian: true), isUnsigned: true, isBigEndian: true);
}
