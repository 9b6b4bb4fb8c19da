using System.Text.Json;
using MedExplain.TestUtilities;

namespace MedExplain.Cli.Tests;

public sealed class SimilarCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void IndexThenSimilar_FindsTheQueryAndItsClassFirst_AndDrawsWhereTheyAreAlike()
    {
        (int code, string output, string error) = CliRunner.Run("index", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "--data", RepoPaths.DemoScan("manifest.json"), "-o", _temp.File("index"));
        Assert.True(code == 0, error);
        Assert.Contains("6 cases (6 added)", output, StringComparison.Ordinal);

        (code, output, error) = CliRunner.Run("similar", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-05-tumour.png"), "--index", _temp.File("index"), "--k", "2", "--json", "-o", _temp.File("out"));

        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement[] cases = [.. json.RootElement.GetProperty("cases").EnumerateArray()];
        Assert.EndsWith("slice-05-tumour.png", cases[0].GetProperty("scan").GetString(), StringComparison.Ordinal);
        Assert.Equal(1.0, cases[0].GetProperty("similarity").GetDouble(), 5);
        Assert.Equal("tumour", cases[1].GetProperty("label").GetString());
        FloatTensor figure = MedExplain.Imaging.Raster.RasterReader.Read(_temp.File("out/similar.png"));
        Assert.True(figure.Shape[2] > 2 * 192, $"figure {FloatTensor.FormatShape(figure.Shape)}");
    }

    [Fact]
    public void Similar_WithoutAnIndex_ExitsWithCode2NamingTheFolder()
    {
        (int code, _, string error) = CliRunner.Run("similar", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "-i", RepoPaths.DemoScan("2d/slice-05-tumour.png"), "--index", _temp.Path);

        Assert.Equal(2, code);
        Assert.Contains("holds no case index", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Similar_WithAnotherModelsIndex_ExitsWithCode2()
    {
        CliRunner.Run("index", "-m", RepoPaths.DemoModel("brain-lesion-2d"), "--data", RepoPaths.DemoScan("manifest.json"), "-o", _temp.File("index"));

        (int code, _, string error) = CliRunner.Run("similar", "-m", RepoPaths.DemoModel("shortcut-marker-2d"), "-i", RepoPaths.DemoScan("2d/slice-05-tumour.png"), "--index", _temp.File("index"));

        Assert.Equal(2, code);
        Assert.Contains("another model", error, StringComparison.Ordinal);
    }
}
