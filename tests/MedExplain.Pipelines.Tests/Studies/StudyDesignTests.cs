using System.Text.Json;
using MedExplain.Pipelines.Studies;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests.Studies;

/// <summary>A study file: every rater gets every (case, map) pair once, in their own seeded order that a resume finds
/// again, named by tokens that give away no method; files that would mislead (a map on another grid, a control no case
/// has, a missing file) are refused by name.</summary>
public sealed class StudyDesignTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Trials_CoverEveryPairOnce_InEachRatersOwnRepeatableOrder_WithBlindTokens()
    {
        StudyDesign design = StudyDesign.Load(Write(new Dictionary<string, string> { ["lrp"] = "2d/slice-0{0}-{1}-mask.nii.gz", ["random-control"] = "2d/slice-0{0}-{1}-regions.nii.gz" }));

        IReadOnlyList<StudyTrial> first = design.Trials("reader-1"), again = design.Trials("reader-1"), second = design.Trials("reader-2");

        Assert.Equal(6, first.Count);
        Assert.Equal(first, again);
        Assert.Equal(first.Select(t => (t.Case, t.Method)).Order(), second.Select(t => (t.Case, t.Method)).Order());
        Assert.NotEqual(first.Select(t => (t.Case, t.Method)), second.Select(t => (t.Case, t.Method)));
        Assert.Equal(12, first.Concat(second).Select(t => t.Token).Distinct().Count());
        Assert.All(first, t => Assert.DoesNotContain(t.Method, t.Token, StringComparison.Ordinal));
        Assert.Equal(first[3], design.Trial("reader-1", first[3].Token));
        Assert.Null(design.Trial("reader-2", first[3].Token)); // one rater's token opens nothing for another
        Assert.Equal(["lrp", "random-control"], design.Methods);
        Assert.Equal(["random-control"], design.Controls);
    }

    [Theory]
    [InlineData("3d/volume-0{0}-{1}-mask.nii.gz", "is not on the scan's grid")]
    [InlineData("2d/slice-0{0}-{1}-missing.nii.gz", "does not exist")]
    public void AMapThatWouldMislead_IsRefusedNamingTheCaseAndTheMap(string map, string expected)
    {
        string path = Write(new Dictionary<string, string> { ["lrp"] = map, ["random-control"] = "2d/slice-0{0}-{1}-regions.nii.gz" });

        var error = Assert.Throws<MedExplainInputException>(() => StudyDesign.Load(path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("case \"case-1\": its lrp map", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AControlNoCaseHas_IsRefused()
    {
        string path = Write(new Dictionary<string, string> { ["lrp"] = "2d/slice-0{0}-{1}-mask.nii.gz" });

        Assert.Contains("random-control", Assert.Throws<MedExplainInputException>(() => StudyDesign.Load(path)).Message, StringComparison.Ordinal);
    }

    /// <summary>A study of the demo's first three 2D slices; map paths are formats of the slice number and class.</summary>
    private string Write(Dictionary<string, string> maps)
    {
        (int Number, string Class)[] slices = [(1, "normal"), (2, "tumour"), (3, "infarct")];
        var study = new
        {
            study = "maps-test",
            seed = 11,
            scale = new { min = 1, max = 5 },
            controls = new[] { "random-control" },
            cases = slices.Select(s => new
            {
                id = $"case-{s.Number}",
                scan = Rel($"2d/slice-0{s.Number}-{s.Class}.nii.gz"),
                maps = maps.ToDictionary(p => p.Key, p => Rel(string.Format(System.Globalization.CultureInfo.InvariantCulture, p.Value, s.Number, s.Class))),
            }),
        };
        string path = _temp.File("study.json");
        File.WriteAllText(path, JsonSerializer.Serialize(study));
        return path;
    }

    private string Rel(string demoScan) => Path.GetRelativePath(_temp.Path, RepoPaths.DemoScan(demoScan));
}
