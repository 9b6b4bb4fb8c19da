namespace MedExplain.Imaging.Dicom;

/// <summary>The VRs of the attributes MedExplain reads, for implicit-VR files; everything else is UN (kept as bytes).</summary>
internal static class DicomDictionary
{
    private static readonly Dictionary<DicomTag, string> Vrs = new()
    {
        [DicomTag.SpecificCharacterSet] = "CS",
        [DicomTag.ImageType] = "CS",
        [DicomTag.SopClassUid] = "UI",
        [DicomTag.Modality] = "CS",
        [DicomTag.SeriesDescription] = "LO",
        [DicomTag.SliceThickness] = "DS",
        [DicomTag.SpacingBetweenSlices] = "DS",
        [DicomTag.ImagerPixelSpacing] = "DS",
        [DicomTag.SeriesInstanceUid] = "UI",
        [DicomTag.InstanceNumber] = "IS",
        [DicomTag.ImagePositionPatient] = "DS",
        [DicomTag.ImageOrientationPatient] = "DS",
        [DicomTag.SamplesPerPixel] = "US",
        [DicomTag.PhotometricInterpretation] = "CS",
        [DicomTag.PlanarConfiguration] = "US",
        [DicomTag.NumberOfFrames] = "IS",
        [DicomTag.Rows] = "US",
        [DicomTag.Columns] = "US",
        [DicomTag.PixelSpacing] = "DS",
        [DicomTag.BitsAllocated] = "US",
        [DicomTag.BitsStored] = "US",
        [DicomTag.HighBit] = "US",
        [DicomTag.PixelRepresentation] = "US",
        [DicomTag.WindowCenter] = "DS",
        [DicomTag.WindowWidth] = "DS",
        [DicomTag.RescaleIntercept] = "DS",
        [DicomTag.RescaleSlope] = "DS",
        [DicomTag.RescaleType] = "LO",
        [DicomTag.WindowExplanation] = "LO",
        [DicomTag.ModalityLutSequence] = "SQ",
        [DicomTag.LutDescriptor] = "US",
        [DicomTag.LutData] = "OW",
        [DicomTag.PixelData] = "OW",
        [new DicomTag(0x0008, 0x0070)] = "LO", // Manufacturer
        [new DicomTag(0x0008, 0x1090)] = "LO", // Manufacturer's Model Name
        [new DicomTag(0x0018, 0x0015)] = "CS", // Body Part Examined
        [new DicomTag(0x0018, 0x0060)] = "DS", // KVP
        [new DicomTag(0x0018, 0x0080)] = "DS", // Repetition Time
        [new DicomTag(0x0018, 0x0081)] = "DS", // Echo Time
        [new DicomTag(0x0018, 0x0087)] = "DS", // Magnetic Field Strength
        [new DicomTag(0x0020, 0x0052)] = "UI", // Frame of Reference UID
        [new DicomTag(0x5200, 0x9229)] = "SQ", // Shared Functional Groups
        [new DicomTag(0x5200, 0x9230)] = "SQ", // Per-Frame Functional Groups
    };

    /// <summary>VRs whose explicit encoding has two reserved bytes and a 4-byte length.</summary>
    private static readonly HashSet<string> LongForm = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];

    /// <summary>All VRs of PS3.5 6.2.</summary>
    private static readonly HashSet<string> Known =
    [
        .. LongForm, "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US",
    ];

    /// <summary>Gets the VR of a tag in an implicit-VR stream.</summary>
    /// <param name="tag">The tag.</param>
    public static string VrOf(DicomTag tag) => tag.Element == 0 ? "UL" : Vrs.GetValueOrDefault(tag, "UN");

    /// <summary>Gets a value indicating whether an explicit VR uses the 4-byte length form (unknown VRs do).</summary>
    /// <param name="vr">The VR.</param>
    public static bool HasLongLength(string vr) => LongForm.Contains(vr) || !Known.Contains(vr);

    /// <summary>Gets a value indicating whether two bytes spell a VR of the standard.</summary>
    /// <param name="vr">The two characters.</param>
    public static bool IsVr(string vr) => Known.Contains(vr);
}
