using System.Globalization;
using System.Text.Json;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>The image-info JSON contract, checked against values computed another way (the fixture's stored values, nibabel).</summary>
public sealed class ImageInfoCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public void DicomFileReportsColumnsRowsFramesRasAffineAndRescaledStatistics()
    {
        var fixture = new DicomFixture
        {
            Rows = 5, Columns = 6, Frames = 2, BitsStored = 12, IsSigned = true,
            Stored = DicomFixture.RandomValues(60, 12, isSigned: true, seed: 8),
            ExtraLines = [@"(0020,0032) DS [10\20\30]", @"(0020,0037) DS [1\0\0\0\1\0]", @"(0028,0030) DS [0.5\0.25]", "(0028,1052) DS [-1024]", "(0028,1053) DS [2]"],
        };
        string file = fixture.Write(_temp, "ct");

        JsonElement info = Json("image-info", file, "--json");

        Assert.Equal([6, 5, 2], Longs(info.GetProperty("dims")));
        double[] values = [.. fixture.Stored.Select(s => (2.0 * s) - 1024)];
        Assert.Equal(values.Length, info.GetProperty("voxelCount").GetInt64());
        Assert.Equal(values.Min(), info.GetProperty("min").GetDouble());
        Assert.Equal(values.Max(), info.GetProperty("max").GetDouble());
        Assert.Equal(values.Sum(), info.GetProperty("sum").GetDouble(), 6);
        Assert.Equal(values.Average(), info.GetProperty("mean").GetDouble(), 6);
        double[][] affine = Matrix(info.GetProperty("affine"));
        Assert.Equal([-0.25, 0, 0, -10], affine[0]); // column step 0.25 along LPS +x becomes RAS −x
        Assert.Equal([0, -0.5, 0, -20], affine[1]);
        Assert.Equal("CT", info.GetProperty("modality").GetString());
        Assert.Equal("int16", info.GetProperty("dataType").GetString());
        Assert.Equal("1.2.840.10008.1.2.1", info.GetProperty("transferSyntax").GetString());
        Assert.Equal("MONOCHROME2", info.GetProperty("photometric").GetString());
    }

    [SkippableFact]
    public void FourDimensionalNiftiReportsEveryVolumeLikeNibabel()
    {
        string python = ExternalTools.RequireNibabel();
        string script = Path.Combine(RepoPaths.Root, "tests", "MedExplain.Imaging.Tests", "Nifti", "nibabel_cases.py");
        ExternalTools.Run(python, script, "write", _temp.Path);
        string file = _temp.File("fourd-uint16.nii.gz");
        string[] truth = ExternalTools.Run(python, "-c", "import sys, nibabel as nib; d = nib.load(sys.argv[1]).get_fdata(); print(d.size, d.min(), d.max(), d.sum(), *nib.load(sys.argv[1]).affine.ravel())", file)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);

        JsonElement info = Json("image-info", file, "--json");

        Assert.Equal([4, 3, 2, 5], Longs(info.GetProperty("dims")));
        Assert.Equal(long.Parse(truth[0], CultureInfo.InvariantCulture), info.GetProperty("voxelCount").GetInt64());
        Assert.Equal(double.Parse(truth[1], CultureInfo.InvariantCulture), info.GetProperty("min").GetDouble());
        Assert.Equal(double.Parse(truth[2], CultureInfo.InvariantCulture), info.GetProperty("max").GetDouble());
        Assert.Equal(double.Parse(truth[3], CultureInfo.InvariantCulture), info.GetProperty("sum").GetDouble());
        Assert.Equal(truth[4..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)), Matrix(info.GetProperty("affine")).SelectMany(r => r));
        Assert.Equal(JsonValueKind.Null, info.GetProperty("transferSyntax").ValueKind);
    }

    [SkippableFact]
    public void ConvertedSeriesOpensInNibabelWhereTheSeriesLies()
    {
        string python = ExternalTools.RequireNibabel();
        string folder = Path.Combine(_temp.Path, "series");
        Directory.CreateDirectory(folder);
        for (int k = 0; k < 3; k++)
        {
            var slice = new DicomFixture
            {
                Rows = 4, Columns = 3, Stored = DicomFixture.RandomValues(12, 16, false, k),
                ExtraLines = ["(0020,000e) UI [1.2.3]", string.Create(CultureInfo.InvariantCulture, $@"(0020,0032) DS [5\-7\{40 - (3 * k)}]"), @"(0020,0037) DS [1\0\0\0\1\0]", @"(0028,0030) DS [0.5\0.5]"],
            };
            File.Move(slice.Write(_temp, $"s{k}"), Path.Combine(folder, $"slice{k}.dcm"));
        }

        (int code, string output, string error) = CliRunner.Run("convert", folder, "--output", _temp.File("series.nii.gz"));
        Assert.True(code == 0, error);
        Assert.Contains("series.nii.gz", output, StringComparison.Ordinal);

        double[] ours = [.. Matrix(Json("image-info", folder, "--json").GetProperty("affine")).SelectMany(r => r)];
        double[] nibabel = [.. ExternalTools.Run(python, "-c", "import sys, nibabel as nib; print(*nib.load(sys.argv[1]).affine.ravel())", _temp.File("series.nii.gz"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        Assert.Equal(ours.Length, nibabel.Length);
        Assert.All(ours.Zip(nibabel), pair => Assert.Equal(pair.First, pair.Second, 4));
        // Files were written top-down (z 40, 37, 34); sorted along the normal (0, 0, 1) the volume starts at z 34 and steps +3 mm.
        Assert.Equal(3, ours[10], 6);
        Assert.Equal(34, ours[11], 6);
    }

    [SkippableFact]
    public void UndecodablePixelsStillShowTheHeaderWithNullStatistics()
    {
        var fixture = new DicomFixture { Rows = 4, Columns = 5, Stored = DicomFixture.RandomValues(20, 16, false, 1) };
        string jpegLs = DicomFixture.Convert(_temp, fixture.Write(_temp, "plain"), "gdcmconv", "libgdcm-tools", "--jpegls");
        // A compression MedExplain does not know: the JPEG-LS syntax UID changed to one no codec has (same length).
        byte[] bytes = File.ReadAllBytes(jpegLs);
        int uid = bytes.AsSpan().IndexOf("1.2.840.10008.1.2.4.80"u8);
        "1.2.840.10008.1.2.4.99"u8.CopyTo(bytes.AsSpan(uid));
        string unknown = _temp.File("unknown-syntax.dcm");
        File.WriteAllBytes(unknown, bytes);

        JsonElement info = Json("image-info", unknown, "--json");

        Assert.Equal([5, 4, 1], Longs(info.GetProperty("dims")));
        Assert.Equal("1.2.840.10008.1.2.4.99", info.GetProperty("transferSyntax").GetString());
        Assert.Equal(JsonValueKind.Null, info.GetProperty("voxelCount").ValueKind);
        Assert.Contains(info.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("not supported", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void ConvertToNpyKeepsValuesInKjiOrder()
    {
        var fixture = new DicomFixture { Rows = 4, Columns = 5, Frames = 3, Stored = DicomFixture.RandomValues(60, 16, false, 2) };
        string file = fixture.Write(_temp, "frames");

        Assert.Equal(0, CliRunner.Run("convert", file, "-o", _temp.File("frames.npy")).ExitCode);

        FloatTensor array = MedExplain.Imaging.Npy.NpyReader.Read(_temp.File("frames.npy"));
        Assert.Equal([3, 4, 5], array.Shape);
        Assert.Equal(fixture.Stored.Select(v => (float)v), array.Data);
    }

    [Fact]
    public void MissingAndUnknownInputsExitWithCode2()
    {
        Assert.Equal(2, CliRunner.Run("image-info", _temp.File("nothing.nii")).ExitCode);
        (int code, _, string error) = CliRunner.Run("image-info", _temp.Write("notes.txt", "hello"));
        Assert.Equal(2, code);
        Assert.Contains("notes.txt", error, StringComparison.Ordinal);
    }

    private static JsonElement Json(params string[] args)
    {
        (int code, string output, string error) = CliRunner.Run(args);
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement;
    }

    private static long[] Longs(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt64())];

    private static double[][] Matrix(JsonElement rows) => [.. rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())];
}
