using MedExplain;
using MedExplain.Imaging;
using MedExplain.Imaging.Dicom;
using MedExplain.Imaging.Nifti;
using SharpFuzz;

// AFL++ drives this through SharpFuzz (see fuzz/README.md). A clear MedExplainInputException is the right answer to
// a broken file; any other exception, a hang or a crash is a bug, and AFL keeps the input that caused it.
string target = args.Length > 0 ? args[0] : throw new ArgumentException("usage: MedExplain.Fuzz dicom|nifti [FILE]");
Action<byte[]> read = target switch
{
    "dicom" => bytes => DicomImageReader.Read(DicomFile.Parse(bytes, "fuzz.dcm")),
    "nifti" => bytes =>
    {
        using var memory = new MemoryStream(bytes);
        using Stream stream = bytes is [0x1f, 0x8b, ..] ? new System.IO.Compression.GZipStream(memory, System.IO.Compression.CompressionMode.Decompress) : memory;
        NiftiReader.Read(stream, "fuzz.nii", bytes.Length);
    },
    _ => throw new ArgumentException($"unknown target '{target}'; use dicom or nifti"),
};

if (args.Length > 1)
{
    // Replay one input outside AFL, to debug a finding.
    Run(File.ReadAllBytes(args[1]));
    return;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    Run(copy.ToArray());
});

void Run(byte[] bytes)
{
    try
    {
        read(bytes);
    }
    catch (MedExplainInputException)
    {
        // The expected answer to bad input.
    }
}
