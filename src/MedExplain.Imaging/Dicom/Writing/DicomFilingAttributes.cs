namespace MedExplain.Imaging.Dicom.Writing;

/// <summary>
/// The attributes a PACS files a new object under — the source's patient, study and frame of reference — read from the
/// source only when DICOM outputs are asked for, and carried straight to the writer. They are the one audited
/// pass-through of identity in MedExplain: never in <see cref="ImageMetadata"/>, never printable (this type shows none
/// of them), never in a report or log. See docs/privacy.md.
/// </summary>
public sealed class DicomFilingAttributes
{
    /// <summary>The pass-through list: what PACS filing needs, nothing else (VRs for sources in implicit VR).</summary>
    private static readonly (DicomTag Tag, string Vr)[] PassThrough =
    [
        (DicomTag.SpecificCharacterSet, "CS"),
        (new DicomTag(0x0008, 0x0020), "DA"), // Study Date
        (new DicomTag(0x0008, 0x0030), "TM"), // Study Time
        (new DicomTag(0x0008, 0x0050), "SH"), // Accession Number
        (new DicomTag(0x0008, 0x0090), "PN"), // Referring Physician's Name
        (new DicomTag(0x0010, 0x0010), "PN"), // Patient's Name
        (new DicomTag(0x0010, 0x0020), "LO"), // Patient ID
        (new DicomTag(0x0010, 0x0021), "LO"), // Issuer of Patient ID
        (new DicomTag(0x0010, 0x0030), "DA"), // Patient's Birth Date
        (new DicomTag(0x0010, 0x0040), "CS"), // Patient's Sex
        (StudyInstanceUidTag, "UI"),
        (new DicomTag(0x0020, 0x0010), "SH"), // Study ID
        (FrameOfReferenceUidTag, "UI"),
    ];

    private readonly IReadOnlyDictionary<DicomTag, ReadOnlyMemory<byte>> _values;

    private DicomFilingAttributes(IReadOnlyDictionary<DicomTag, ReadOnlyMemory<byte>> values, string? sourceSeriesUid)
    {
        _values = values;
        SourceSeriesUid = sourceSeriesUid;
    }

    /// <summary>Gets the source's Series Instance UID, which derived objects reference.</summary>
    internal string? SourceSeriesUid { get; }

    /// <summary>Gets the source's Study Instance UID, or null (a new study is made then).</summary>
    internal string? StudyInstanceUid => Text(StudyInstanceUidTag);

    /// <summary>Gets the source's Frame of Reference UID, or null.</summary>
    internal string? FrameOfReferenceUid => Text(FrameOfReferenceUidTag);

    private static DicomTag StudyInstanceUidTag => new(0x0020, 0x000D);

    private static DicomTag FrameOfReferenceUidTag => new(0x0020, 0x0052);

    /// <summary>Reads the filing attributes of a DICOM input: a file, or the first file of a folder's chosen series.</summary>
    /// <param name="input">The scan as the user gave it.</param>
    /// <param name="seriesInstanceUid">The series chosen in a folder that holds several, or null.</param>
    /// <returns>The attributes, or null when the input is not DICOM (outputs then start a study of their own).</returns>
    public static DicomFilingAttributes? Read(string input, string? seriesInstanceUid = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        string? file = File.Exists(input) ? (DicomFile.HasDicomMagic(input) ? input : null)
            : Directory.Exists(input) ? Directory.EnumerateFiles(input).Order(StringComparer.Ordinal).Where(DicomFile.HasDicomMagic)
                .FirstOrDefault(f => seriesInstanceUid is null || DicomFile.Read(f, stopAtPixelData: true).Dataset.Text(DicomTag.SeriesInstanceUid) == seriesInstanceUid)
            : null;
        if (file is null)
        {
            return null;
        }

        DicomDataset d = DicomFile.Read(file, stopAtPixelData: true).Dataset;
        var values = new Dictionary<DicomTag, ReadOnlyMemory<byte>>();
        foreach ((DicomTag tag, _) in PassThrough)
        {
            if (d.Get(tag) is { } element)
            {
                values[tag] = element.Value;
            }
        }

        return new DicomFilingAttributes(values, d.Text(DicomTag.SeriesInstanceUid));
    }

    /// <inheritdoc/>
    public override string ToString() => "DICOM filing attributes (patient and study; withheld from every text output)";

    /// <summary>Puts the attributes in a data set being written: the source's where it has them, empty (Type 2) where
    /// not, and a new Study Instance UID when there is no source study.</summary>
    internal static void WriteInto(DicomDatasetWriter dataset, DicomFilingAttributes? source, string newStudyUid)
    {
        foreach ((DicomTag tag, string vr) in PassThrough)
        {
            if (source?._values.GetValueOrDefault(tag) is { Length: > 0 } value)
            {
                dataset.Raw(tag, vr, value.Span);
            }
            else if (tag != DicomTag.SpecificCharacterSet && tag != FrameOfReferenceUidTag && tag != new DicomTag(0x0010, 0x0021))
            {
                dataset.Text(tag, vr, tag == StudyInstanceUidTag ? newStudyUid : null);
            }
        }
    }

    private string? Text(DicomTag tag) =>
        _values.GetValueOrDefault(tag) is { Length: > 0 } value ? System.Text.Encoding.ASCII.GetString(value.Span).Trim(' ', '\0') : null;
}
