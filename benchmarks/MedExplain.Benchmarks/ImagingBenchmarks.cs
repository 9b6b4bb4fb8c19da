using BenchmarkDotNet.Attributes;
using MedExplain.Imaging;
using MedExplain.Imaging.Dicom;
using MedExplain.Imaging.Nifti;

namespace MedExplain.Benchmarks;

/// <summary>Reading a DICOM series against reading its bytes (the floor), in the same run.</summary>
/// <remarks>The files sit in the page cache after the first iteration, so the floor is memory bandwidth plus system
/// calls: a stricter floor than a disk. MB/s = series bytes / mean time (printed by the Size column of the setup).</remarks>
[MemoryDiagnoser]
public class DicomSeriesBenchmarks
{
    private string _folder = null!;
    private string[] _files = null!;

    [Params(300)]
    public int Slices { get; set; }

    [Params(512)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"medexplain-bench-series-{Slices}x{Size}");
        if (!Directory.Exists(_folder) || Directory.GetFiles(_folder).Length != Slices)
        {
            SyntheticScans.DicomSeries(_folder, Slices, Size);
        }

        _files = Directory.GetFiles(_folder);
        Console.WriteLine($"// series bytes: {_files.Sum(f => new FileInfo(f).Length) / 1e6:0.0} MB");
    }

    [Benchmark(Baseline = true, Description = "read the bytes (floor)")]
    public long ReadBytes()
    {
        long total = 0;
        foreach (string file in _files)
        {
            total += File.ReadAllBytes(file).Length;
        }

        return total;
    }

    [Benchmark(Description = "DicomSeriesReader.Read")]
    public int ReadSeries() => DicomSeriesReader.Read(_folder).Voxels.Length;
}

/// <summary>Reading a .nii.gz volume against plain gzip decompression of the same file, in the same run.</summary>
[MemoryDiagnoser]
public class NiftiGzBenchmarks
{
    private string _path = null!;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), "medexplain-bench-volume.nii.gz");
        if (!File.Exists(_path))
        {
            SyntheticScans.NiftiGz(_path, [256, 256, 180]);
        }
    }

    [Benchmark(Baseline = true, Description = "gunzip (floor)")]
    public long Gunzip() => SyntheticScans.Gunzip(_path);

    [Benchmark(Description = "NiftiReader.Read")]
    public int ReadNifti() => NiftiReader.Read(_path).Voxels.Length;
}

/// <summary>Decoding a compressed series (JPEG-LS by dcmtk, JPEG 2000 lossless by gdcm; 300 CT-like slices of 512²)
/// against the reference tools decoding the same files from the command line (<c>dcmdjpls</c>, <c>gdcmconv --raw</c>),
/// in the same run. The tools start a process per file, as a script over a series would; MedExplain reads the folder.</summary>
[MemoryDiagnoser]
public class CompressedSeriesBenchmarks
{
    private string _folder = null!;
    private string[] _files = null!;
    private string _scratch = null!;

    [Params("jpeg-ls", "jpeg-2000")]
    public string Codec { get; set; } = "jpeg-ls";

    [GlobalSetup]
    public void Setup()
    {
        const int Slices = 300, Size = 512;
        string native = Path.Combine(Path.GetTempPath(), $"medexplain-bench-smooth-{Slices}x{Size}");
        if (!Directory.Exists(native) || Directory.GetFiles(native).Length != Slices)
        {
            SyntheticScans.DicomSeries(native, Slices, Size, smooth: true);
        }

        _folder = Path.Combine(Path.GetTempPath(), $"medexplain-bench-{Codec}-{Slices}x{Size}");
        if (!Directory.Exists(_folder) || Directory.GetFiles(_folder).Length != Slices)
        {
            Directory.CreateDirectory(_folder);
            foreach (string file in Directory.GetFiles(native))
            {
                string target = Path.Combine(_folder, Path.GetFileName(file));
                Tool(Codec == "jpeg-ls" ? "dcmcjpls" : "gdcmconv", Codec == "jpeg-ls" ? [file, target] : ["--j2k", file, target]);
            }
        }

        _files = Directory.GetFiles(_folder);
        _scratch = Path.Combine(Path.GetTempPath(), "medexplain-bench-decoded.dcm");
        Console.WriteLine($"// {Codec}: {_files.Sum(f => new FileInfo(f).Length) / 1e6:0.0} MB compressed ({Slices * Size * Size * 2 / 1e6:0.0} MB native)");
    }

    [Benchmark(Baseline = true, Description = "reference tool, one process per file")]
    public int ReferenceTool()
    {
        foreach (string file in _files)
        {
            Tool(Codec == "jpeg-ls" ? "dcmdjpls" : "gdcmconv", Codec == "jpeg-ls" ? [file, _scratch] : ["--raw", file, _scratch]);
        }

        return _files.Length;
    }

    [Benchmark(Description = "DicomSeriesReader.Read")]
    public int ReadSeries() => DicomSeriesReader.Read(_folder).Voxels.Length;

    private static void Tool(string command, string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} failed on {arguments[^2]}: {process.StandardError.ReadToEnd()}");
        }
    }
}
