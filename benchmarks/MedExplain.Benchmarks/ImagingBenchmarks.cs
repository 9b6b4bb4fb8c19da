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
