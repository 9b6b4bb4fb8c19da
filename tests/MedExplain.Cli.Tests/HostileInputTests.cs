using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Xunit.Abstractions;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>
/// Hostile and careless input, made by code: bombs and lying headers of every format, bad options and bad output paths.
/// Each must end in exit 2 with a message naming the file or option, never a crash, a hang or an unbounded allocation;
/// outputs that are inputs must leave the input as it was.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string Model2d = RepoPaths.DemoModel("brain-lesion-2d");
    private static readonly string Scan2d = RepoPaths.DemoScan("2d/slice-02-tumour.png");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A gzipped NIfTI-1 whose header claims 1290³ uint8 voxels (2 GiB, 8 GiB as floats) over 16 MiB of zeros:
    /// more than its bytes can inflate to.</summary>
    public static string NiftiBomb(TempDirectory dir) => Nifti(dir, "bomb.nii.gz", 1290, zeros: true);

    /// <summary>A gzipped NIfTI-1 claiming 700³ uint8 voxels (1.3 GiB as floats) whose 400 KiB could inflate that far:
    /// only the memory limit stops it.</summary>
    public static string NiftiLarge(TempDirectory dir) => Nifti(dir, "large.nii.gz", 700, zeros: false);

    private static string Nifti(TempDirectory dir, string name, short side, bool zeros)
    {
        var header = new byte[352];
        BitConverter.GetBytes(348).CopyTo(header, 0);
        short[] dims = [3, side, side, side, 1, 1, 1, 1];
        for (int i = 0; i < dims.Length; i++)
        {
            BitConverter.GetBytes(dims[i]).CopyTo(header, 40 + (2 * i));
        }

        BitConverter.GetBytes((short)2).CopyTo(header, 70); // uint8
        BitConverter.GetBytes((short)8).CopyTo(header, 72);
        float[] pixdim = [1, 1, 1, 1];
        for (int i = 0; i < pixdim.Length; i++)
        {
            BitConverter.GetBytes(pixdim[i]).CopyTo(header, 76 + (4 * i));
        }

        BitConverter.GetBytes(352f).CopyTo(header, 108);
        "n+1\0"u8.ToArray().CopyTo(header, 344);
        string path = dir.File(name);
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gzip.Write(header);
            var chunk = new byte[1 << 20];
            if (!zeros)
            {
                new Random(7).NextBytes(chunk); // incompressible: the file is as large as its claim allows
            }

            for (int k = 0; k < (zeros ? 16 : 1); k++)
            {
                gzip.Write(chunk);
            }
        }

        return path;
    }

    /// <summary>An .npz whose one entry inflates to 640 MiB of float32 zeros from under a MiB.</summary>
    public static string NpzBomb(TempDirectory dir)
    {
        string path = dir.File("bomb.npz");
        using ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using Stream entry = zip.CreateEntry("w.npy", CompressionLevel.Fastest).Open();
        string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (160, 1024, 1024), }";
        header = header.PadRight(118) + "\n";
        entry.Write([0x93, .. "NUMPY"u8, 1, 0, (byte)header.Length, 0]);
        entry.Write(Encoding.Latin1.GetBytes(header));
        var zeros = new byte[1 << 20];
        for (int k = 0; k < 640; k++)
        {
            entry.Write(zeros);
        }

        return path;
    }

    /// <summary>A 1 KiB PNG whose header claims 32768² grey pixels.</summary>
    public static string PngBomb(TempDirectory dir) =>
        dir.Write("bomb.png", PngBytes.File(("IHDR", PngBytes.Header(32768, 32768, 8, 0)), ("IDAT", new byte[1024]), ("IEND", [])));

    private static string Npy(string shape, int dataBytes, int version = 1)
    {
        string header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}".PadRight(118) + "\n";
        byte[] preamble = version == 1
            ? [0x93, .. "NUMPY"u8, 1, 0, (byte)header.Length, 0]
            : [0x93, .. "NUMPY"u8, 2, 0, (byte)header.Length, 0]; // version 2 needs two more length bytes
        return Convert.ToBase64String([.. preamble, .. Encoding.Latin1.GetBytes(header), .. new byte[dataBytes]]);
    }

    public static TheoryData<string, string[], string> HostileFiles() => new()
    {
        { "nifti bomb", ["image-info", "{nifti-bomb}"], "compressed file can hold" },
        { "nifti larger than the limit", ["image-info", "{nifti-large}"], "past the memory limit" },
        { "npz bomb as patterns", ["attribute", "-m", Model2d, "-i", Scan2d, "--method", "patternnet", "--patterns", "{npz-bomb}", "-o", "{out}/x.npy"], "past the memory limit" },
        { "png bomb", ["image-info", "{png-bomb}"], "more than its" },
        { "npy negative dimension", ["image-info", "{npy:(1, -4, 4):0}"], "dimensions are 0 or more" },
        { "npy overflowing shape", ["image-info", "{npy:(99999999, 99999999, 99999999):0}"], "overflows" },
        { "npy short v2 header", ["image-info", "{npy-v2-short}"], "truncated" },
        { "npy lying about its data", ["image-info", "{npy:(1, 64, 64):16}"], "truncated" },
        { "card that does not exist", ["predict", "-m", Model2d, "--card", "{out}/missing.card.json", "-i", Scan2d], "model card not found" },
        { "card from a device", ["predict", "-m", Model2d, "--card", "/dev/zero", "-i", Scan2d], "too large for a model card" },
        { "manifest with a null sample", ["evaluate", "-m", Model2d, "--data", "{manifest-null}", "--out", "{out}/eval"], "sample 0 is null" },
        { "png 16-bit with a second short IHDR", ["image-info", "{png16-second-ihdr}"], "IHDR" },
    };

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void HostileFile_IsRefusedWithExit2NamingTheProblem(string name, string[] args, string expected)
    {
        using IDisposable limit = MemoryLimit.Use(1L << 30); // as MEDEXPLAIN_MAX_MEMORY=1GiB would
        (int code, _, string error) = CliRunner.Run([.. args.Select(Materialise)]);

        Assert.True(code == 2, $"{name}: exit {code}: {error}");
        Assert.True(error.Contains(expected, StringComparison.Ordinal), $"{name}: {error}");
    }

    public static TheoryData<string, string[], string> BadOptions() => new()
    {
        { "memory beyond the machine", ["predict", "-m", Model2d, "-i", Scan2d, "--max-memory", "999TB"], "--max-memory" },
        { "no items", ["evaluate", "-m", Model2d, "--data", RepoPaths.DemoScan("manifest.json"), "--max-items", "0", "--out", "{out}/eval"], "--max-items" },
        { "steps beyond reason", ["attribute", "-m", Model2d, "-i", Scan2d, "--method", "integrated-gradients", "--steps", "100000000", "-o", "{out}/x.npy"], "--steps" },
        { "samples beyond reason", ["attribute", "-m", Model2d, "-i", Scan2d, "--method", "smoothgrad", "--samples", "1000000000", "-o", "{out}/x.npy"], "--samples" },
        { "no rise cells", ["attribute", "-m", Model2d, "-i", Scan2d, "--method", "rise", "--cells", "0", "-o", "{out}/x.npy"], "--cells" },
        { "NaN window", ["explain", "-m", Model2d, "-i", Scan2d, "--methods", "occlusion", "--window", "NaNmm", "--out", "{out}/explain"], "--window" },
        { "NaN baseline", ["attribute", "-m", Model2d, "-i", Scan2d, "--method", "integrated-gradients", "--baseline", "constant:NaN", "-o", "{out}/x.npy"], "--baseline" },
        { "empty background", ["attribute", "-m", Model2d, "-i", Scan2d, "--method", "expected-gradients", "--background", "{npy:(0, 1, 128, 128):0}", "-o", "{out}/x.npy"], "--background" },
        { "export batch beyond reason", ["compile", "-m", Model2d, "--method", "gradient", "--batch", "2000000000", "-o", "{out}/g.onnx"], "--batch" },
        { "export steps beyond reason", ["compile", "-m", Model2d, "--method", "integrated-gradients", "--steps", "1000000000", "-o", "{out}/g.onnx"], "--steps" },
        { "curve steps beyond reason", ["evaluate", "-m", Model2d, "--data", RepoPaths.DemoScan("manifest.json"), "--steps", "1000000", "--out", "{out}/eval"], "--steps" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void BadOption_IsRefusedWithExit2NamingTheOption(string name, string[] args, string option)
    {
        (int code, _, string error) = CliRunner.Run([.. args.Select(Materialise)]);

        Assert.True(code == 2, $"{name}: exit {code}: {error}");
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    public static TheoryData<string, string[]> BadOutputs() => new()
    {
        { "explain into a file", ["explain", "-m", Model2d, "-i", Scan2d, "--methods", "gradient", "--out", "{file}"] },
        { "explain under a file", ["explain", "-m", Model2d, "-i", Scan2d, "--methods", "gradient", "--out", "{file}/sub"] },
        { "evaluate into a file", ["evaluate", "-m", Model2d, "--data", RepoPaths.DemoScan("manifest.json"), "--out", "{file}"] },
        { "attribute over its input", ["attribute", "-m", Model2d, "-i", "{copy.npy}", "--method", "gradient", "-o", "{copy.npy}"] },
        { "compile over the model", ["compile", "-m", "{model-copy}", "--method", "gradient", "-o", "{model-copy}"] },
        { "fit-patterns over the model", ["fit-patterns", "-m", "{model-copy}", "--data", RepoPaths.DemoScan("2d"), "-o", "{model-copy}"] },
        { "convert over its input", ["convert", "{copy.npy}", "--output", "{copy.npy}"] },
        { "attribute into a folder", ["attribute", "-m", Model2d, "-i", Scan2d, "--method", "gradient", "-o", "{out}"] },
    };

    [Theory]
    [MemberData(nameof(BadOutputs))]
    public void BadOutput_IsRefusedBeforeAnyWorkAndLeavesTheInputAlone(string name, string[] args)
    {
        string[] materialised = [.. args.Select(Materialise)];
        Dictionary<string, byte[]> before = materialised.Where(File.Exists).Distinct().ToDictionary(p => p, File.ReadAllBytes);

        (int code, _, string error) = CliRunner.Run(materialised);

        Assert.True(code == 2, $"{name}: exit {code}: {error}");
        Assert.StartsWith("error: --o", error, StringComparison.Ordinal); // --out or --output
        Assert.All(before, file => Assert.Equal(file.Value, File.ReadAllBytes(file.Key)));
    }

    [Fact]
    public void NaNVoxels_AreAWarningInTextAndJson()
    {
        var scan = new FloatTensor([1, 1, 8, 8]);
        scan.Data[3] = float.NaN;
        scan.Data[9] = float.PositiveInfinity;
        string path = _dir.File("nan.npy");
        MedExplain.Imaging.Npy.NpyWriter.Write(path, scan);

        (int code, string text, _) = CliRunner.Run("image-info", path);
        (_, string json, _) = CliRunner.Run("image-info", path, "--json");

        Assert.Equal(0, code);
        Assert.Contains("note: 2 of 64 voxels are NaN or infinite", text, StringComparison.Ordinal);
        Assert.Contains("2 of 64 voxels are NaN or infinite", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_AMethodThatFails_KeepsTheOthersMapsAndReport()
    {
        string folder = _dir.File("explain");

        (int code, _, string error) = CliRunner.Run("explain", "-m", Model2d, "-i", Scan2d, "--methods", "gradient,deepshap,saliency", "--out", folder);

        Assert.Equal(2, code);
        Assert.Contains("error: deepshap: --background: deepshap needs a background set", error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "maps", "slice-02-tumour-gradient.npy")));
        Assert.True(File.Exists(Path.Combine(folder, "maps", "slice-02-tumour-saliency.npy")));
        Assert.Contains("Not computed", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_AMethodThatFails_KeepsTheOthersMetrics()
    {
        string folder = _dir.File("evaluate");

        (int code, _, string error) = CliRunner.Run("evaluate", "-m", Model2d, "--data", RepoPaths.DemoScan("manifest.json"), "--methods", "deepshap,gradient",
            "--metrics", "deletion", "--steps", "4", "--max-items", "2", "--out", folder);

        Assert.Equal(2, code);
        Assert.Contains("error: deepshap:", error, StringComparison.Ordinal);
        Assert.Equal(2, File.ReadLines(Path.Combine(folder, "metrics.csv")).Count(line => line.Contains(",gradient,deletion,", StringComparison.Ordinal)));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Bombs_InAFreshProcess_StayUnderOneGibibyte()
    {
        // The process's own peak, not a timed assertion: each bomb claims gigabytes and must be refused first.
        string cli = Path.Combine(AppContext.BaseDirectory, "medexplain.dll");
        foreach (string[] args in new[]
        {
            ["image-info", NiftiBomb(_dir)],
            ["image-info", NiftiLarge(_dir)],
            ["image-info", PngBomb(_dir)],
            new[] { "attribute", "-m", Model2d, "-i", Scan2d, "--method", "patternnet", "--patterns", NpzBomb(_dir), "-o", _dir.File("x.npy") },
        })
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(cli);
            args.ToList().ForEach(start.ArgumentList.Add);
            start.Environment["MEDEXPLAIN_MAX_MEMORY"] = "1GiB";
            start.Environment["MEDEXPLAIN_REPORT_PEAK"] = "1";
            using Process process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();

            Assert.True(process.ExitCode == 2, $"{args[0]} {args[1]}: exit {process.ExitCode}: {error}");
            long peak = long.Parse(error.Split("peak resident memory: ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            output.WriteLine($"{args[0]} {Path.GetFileName(args[^1])}: exit {process.ExitCode}, peak {peak >> 20} MiB: {error.Split('\n')[0]}");
            Assert.True(peak < 1L << 30, $"{args[1]}: peak {peak >> 20} MiB");
        }
    }

    /// <summary>Turns {placeholders} into files made for the case.</summary>
    private string Materialise(string arg)
    {
        if (!arg.Contains('{', StringComparison.Ordinal))
        {
            return arg;
        }

        string Copy(string source, string name) => File.Exists(_dir.File(name)) ? _dir.File(name) : CopyTo(source, _dir.File(name));
        return arg switch
        {
            "{nifti-bomb}" => NiftiBomb(_dir),
            "{nifti-large}" => NiftiLarge(_dir),
            "{npz-bomb}" => NpzBomb(_dir),
            "{png-bomb}" => PngBomb(_dir),
            "{npy-v2-short}" => _dir.Write("short.npy", [0x93, .. "NUMPY"u8, 2, 0, 0x10, 0, 0]),
            "{manifest-null}" => _dir.Write("manifest.json", "{\"samples\": [null]}"),
            "{png16-second-ihdr}" => _dir.Write("second.png", PngBytes.File(
                ("IHDR", PngBytes.Header(2, 2, 16, 0)), ("IDAT", ZLib(new byte[2 * 5])), ("IHDR", [0, 0, 0, 2]), ("IEND", []))),
            "{file}" or "{file}/sub" => arg.Replace("{file}", _dir.Write("a-file.txt", "not a folder"), StringComparison.Ordinal),
            "{copy.npy}" => Copy(RepoPaths.TestData("zoo/unet-segmentation.input.npy"), "copy.npy"),
            "{model-copy}" => Copy(Model2d, "model.onnx"),
            _ when arg.StartsWith("{npy:", StringComparison.Ordinal) => NpyFile(arg),
            _ => arg.Replace("{out}", _dir.Path, StringComparison.Ordinal),
        };
    }

    private string NpyFile(string spec)
    {
        string[] parts = spec.Trim('{', '}').Split(':');
        return _dir.Write($"lying-{Math.Abs(spec.GetHashCode(StringComparison.Ordinal))}.npy", Convert.FromBase64String(Npy(parts[1], int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture))));
    }

    private static string CopyTo(string source, string target)
    {
        File.Copy(source, target);
        string card = Path.ChangeExtension(source, ".card.json");
        if (File.Exists(card))
        {
            File.Copy(card, Path.ChangeExtension(target, ".card.json"));
        }

        return target;
    }

    private static byte[] ZLib(byte[] raw)
    {
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        return compressed.ToArray();
    }
}
