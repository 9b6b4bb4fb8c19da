namespace MedExplain.Imaging.Dicom;

/// <summary>A DICOM attribute tag (group, element).</summary>
/// <param name="Group">The group number.</param>
/// <param name="Element">The element number.</param>
public readonly record struct DicomTag(ushort Group, ushort Element)
{
    /// <summary>Gets the (0002,0010) Transfer Syntax UID.</summary>
    public static DicomTag TransferSyntaxUid { get; } = new(0x0002, 0x0010);

    /// <summary>Gets (0008,0005) Specific Character Set.</summary>
    public static DicomTag SpecificCharacterSet { get; } = new(0x0008, 0x0005);

    /// <summary>Gets (0008,0016) SOP Class UID.</summary>
    public static DicomTag SopClassUid { get; } = new(0x0008, 0x0016);

    /// <summary>Gets (0008,0060) Modality.</summary>
    public static DicomTag Modality { get; } = new(0x0008, 0x0060);

    /// <summary>Gets (0008,103E) Series Description.</summary>
    public static DicomTag SeriesDescription { get; } = new(0x0008, 0x103E);

    /// <summary>Gets (0008,0008) Image Type.</summary>
    public static DicomTag ImageType { get; } = new(0x0008, 0x0008);

    /// <summary>Gets (0018,0050) Slice Thickness.</summary>
    public static DicomTag SliceThickness { get; } = new(0x0018, 0x0050);

    /// <summary>Gets (0018,0088) Spacing Between Slices.</summary>
    public static DicomTag SpacingBetweenSlices { get; } = new(0x0018, 0x0088);

    /// <summary>Gets (0018,1164) Imager Pixel Spacing.</summary>
    public static DicomTag ImagerPixelSpacing { get; } = new(0x0018, 0x1164);

    /// <summary>Gets (0020,000E) Series Instance UID.</summary>
    public static DicomTag SeriesInstanceUid { get; } = new(0x0020, 0x000E);

    /// <summary>Gets (0020,0013) Instance Number.</summary>
    public static DicomTag InstanceNumber { get; } = new(0x0020, 0x0013);

    /// <summary>Gets (0020,0032) Image Position (Patient).</summary>
    public static DicomTag ImagePositionPatient { get; } = new(0x0020, 0x0032);

    /// <summary>Gets (0020,0037) Image Orientation (Patient).</summary>
    public static DicomTag ImageOrientationPatient { get; } = new(0x0020, 0x0037);

    /// <summary>Gets (0028,0002) Samples per Pixel.</summary>
    public static DicomTag SamplesPerPixel { get; } = new(0x0028, 0x0002);

    /// <summary>Gets (0028,0004) Photometric Interpretation.</summary>
    public static DicomTag PhotometricInterpretation { get; } = new(0x0028, 0x0004);

    /// <summary>Gets (0028,0006) Planar Configuration.</summary>
    public static DicomTag PlanarConfiguration { get; } = new(0x0028, 0x0006);

    /// <summary>Gets (0028,0008) Number of Frames.</summary>
    public static DicomTag NumberOfFrames { get; } = new(0x0028, 0x0008);

    /// <summary>Gets (0028,0010) Rows.</summary>
    public static DicomTag Rows { get; } = new(0x0028, 0x0010);

    /// <summary>Gets (0028,0011) Columns.</summary>
    public static DicomTag Columns { get; } = new(0x0028, 0x0011);

    /// <summary>Gets (0028,0030) Pixel Spacing.</summary>
    public static DicomTag PixelSpacing { get; } = new(0x0028, 0x0030);

    /// <summary>Gets (0028,0100) Bits Allocated.</summary>
    public static DicomTag BitsAllocated { get; } = new(0x0028, 0x0100);

    /// <summary>Gets (0028,0101) Bits Stored.</summary>
    public static DicomTag BitsStored { get; } = new(0x0028, 0x0101);

    /// <summary>Gets (0028,0102) High Bit.</summary>
    public static DicomTag HighBit { get; } = new(0x0028, 0x0102);

    /// <summary>Gets (0028,0103) Pixel Representation.</summary>
    public static DicomTag PixelRepresentation { get; } = new(0x0028, 0x0103);

    /// <summary>Gets (0028,1050) Window Center.</summary>
    public static DicomTag WindowCenter { get; } = new(0x0028, 0x1050);

    /// <summary>Gets (0028,1051) Window Width.</summary>
    public static DicomTag WindowWidth { get; } = new(0x0028, 0x1051);

    /// <summary>Gets (0028,1052) Rescale Intercept.</summary>
    public static DicomTag RescaleIntercept { get; } = new(0x0028, 0x1052);

    /// <summary>Gets (0028,1053) Rescale Slope.</summary>
    public static DicomTag RescaleSlope { get; } = new(0x0028, 0x1053);

    /// <summary>Gets (0028,1054) Rescale Type.</summary>
    public static DicomTag RescaleType { get; } = new(0x0028, 0x1054);

    /// <summary>Gets (0028,1055) Window Center &amp; Width Explanation.</summary>
    public static DicomTag WindowExplanation { get; } = new(0x0028, 0x1055);

    /// <summary>Gets (0028,3000) Modality LUT Sequence.</summary>
    public static DicomTag ModalityLutSequence { get; } = new(0x0028, 0x3000);

    /// <summary>Gets (0028,3002) LUT Descriptor.</summary>
    public static DicomTag LutDescriptor { get; } = new(0x0028, 0x3002);

    /// <summary>Gets (0028,3006) LUT Data.</summary>
    public static DicomTag LutData { get; } = new(0x0028, 0x3006);

    /// <summary>Gets (5200,9229) Shared Functional Groups Sequence.</summary>
    public static DicomTag SharedFunctionalGroups { get; } = new(0x5200, 0x9229);

    /// <summary>Gets (5200,9230) Per-Frame Functional Groups Sequence.</summary>
    public static DicomTag PerFrameFunctionalGroups { get; } = new(0x5200, 0x9230);

    /// <summary>Gets (0020,9111) Frame Content Sequence.</summary>
    public static DicomTag FrameContent { get; } = new(0x0020, 0x9111);

    /// <summary>Gets (0020,9113) Plane Position Sequence.</summary>
    public static DicomTag PlanePosition { get; } = new(0x0020, 0x9113);

    /// <summary>Gets (0020,9116) Plane Orientation Sequence.</summary>
    public static DicomTag PlaneOrientation { get; } = new(0x0020, 0x9116);

    /// <summary>Gets (0028,9110) Pixel Measures Sequence.</summary>
    public static DicomTag PixelMeasures { get; } = new(0x0028, 0x9110);

    /// <summary>Gets (0028,9145) Pixel Value Transformation Sequence.</summary>
    public static DicomTag PixelValueTransformation { get; } = new(0x0028, 0x9145);

    /// <summary>Gets (0020,9056) Stack ID.</summary>
    public static DicomTag StackId { get; } = new(0x0020, 0x9056);

    /// <summary>Gets (0020,9128) Temporal Position Index.</summary>
    public static DicomTag TemporalPositionIndex { get; } = new(0x0020, 0x9128);

    /// <summary>Gets (7FE0,0008) Float Pixel Data.</summary>
    public static DicomTag FloatPixelData { get; } = new(0x7FE0, 0x0008);

    /// <summary>Gets (7FE0,0010) Pixel Data.</summary>
    public static DicomTag PixelData { get; } = new(0x7FE0, 0x0010);

    /// <summary>Gets (FFFE,E000) Item.</summary>
    public static DicomTag Item { get; } = new(0xFFFE, 0xE000);

    /// <summary>Gets (FFFE,E00D) Item Delimitation.</summary>
    public static DicomTag ItemDelimitation { get; } = new(0xFFFE, 0xE00D);

    /// <summary>Gets (FFFE,E0DD) Sequence Delimitation.</summary>
    public static DicomTag SequenceDelimitation { get; } = new(0xFFFE, 0xE0DD);

    /// <inheritdoc/>
    public override string ToString() => $"({Group:X4},{Element:X4})";
}
