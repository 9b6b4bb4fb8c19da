using MedExplain;
using MedExplain.Imaging.Dicom;
using MedExplain.Imaging.Nifti;
using MedExplain.Imaging.Npy;
using MedExplain.Imaging.Raster;
using MedExplain.Models;
using MedExplain.Pipelines;
using SharpFuzz;

// AFL++ drives this through SharpFuzz (see fuzz/README.md). A clear MedExplainInputException is the right answer to
// a broken file; any other exception, a hang or a crash is a bug, and AFL keeps the input that caused it.
// Path-based readers get each input through a file, as users' files reach them.
string target = args.Length > 0 ? args[0] : throw new ArgumentException("usage: MedExplain.Fuzz dicom|nifti|npy|npz|png|card|manifest [FILE]");
string scratch = Path.Combine(Path.GetTempPath(), $"medexplain-fuzz-{Environment.ProcessId}");
Action<byte[]> read = target switch
{
    "dicom" => bytes => DicomImageReader.Read(DicomFile.Parse(bytes, "fuzz.dcm")),
    "nifti" => bytes =>
    {
        using var memory = new MemoryStream(bytes);
        using Stream stream = bytes is [0x1f, 0x8b, ..] ? new System.IO.Compression.GZipStream(memory, System.IO.Compression.CompressionMode.Decompress) : memory;
        NiftiReader.Read(stream, "fuzz.nii", bytes.Length);
    },
    "npy" => bytes => NpyReader.Read(new MemoryStream(bytes), "fuzz.npy"),
    "npz" => bytes => NpzArchive.Read(Through(bytes, ".npz")),
    "png" => bytes => RasterReader.Read(Through(bytes, ".png")),
    "card" => bytes => ModelCardReader.Read(Through(bytes, ".card.json")),
    "manifest" => bytes => EvaluationSet.Load(Through(bytes, ".json"), null, null, "fuzz", 50),
    _ => throw new ArgumentException($"unknown target '{target}'; use dicom, nifti, npy, npz, png, card or manifest"),
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

string Through(byte[] bytes, string extension)
{
    string path = scratch + extension;
    File.WriteAllBytes(path, bytes);
    return path;
}
