using MedExplain.Imaging.Npy;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

/// <summary>fit-patterns writes an .npz that attribute --patterns reads back for PatternNet and PatternAttribution.</summary>
public sealed class FitPatternsCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void PatternsFittedOnTheDemoScansDriveBothPatternMethods()
    {
        string model = RepoPaths.DemoModel("brain-lesion-2d");
        (int code, string output, string error) = CliRunner.Run("fit-patterns", "-m", model, "--data", RepoPaths.DemoScan("2d"), "--max-items", "3", "-o", _temp.File("p.npz"));
        Assert.True(code == 0, error);
        Assert.Contains("/head/Gemm", output, StringComparison.Ordinal);
        Dictionary<string, FloatTensor> patterns = NpzArchive.Read(_temp.File("p.npz"));
        Assert.Equal(8, patterns.Count);

        foreach (string method in new[] { "patternnet", "pattern-attribution" })
        {
            (int attributeCode, _, string attributeError) = CliRunner.Run("attribute", "-m", model, "-i", RepoPaths.DemoScan("2d/slice-02-tumour.png"), "--method", method, "--patterns", _temp.File("p.npz"), "-o", _temp.File(method + ".npy"));
            Assert.True(attributeCode == 0, attributeError);
            FloatTensor map = NpyReader.Read(_temp.File(method + ".npy"));
            Assert.Contains(map.Data, v => v != 0);
            Assert.DoesNotContain(map.Data, v => !float.IsFinite(v));
        }
    }

    [Fact]
    public void PatternMethodsWithoutPatternsSayWhatToRun()
    {
        (int code, _, string error) = CliRunner.Run("attribute", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-01-normal.png"), "--method", "patternnet", "-o", _temp.File("x.npy"));

        Assert.Equal(2, code);
        Assert.Contains("fit-patterns", error, StringComparison.Ordinal);
    }
}
