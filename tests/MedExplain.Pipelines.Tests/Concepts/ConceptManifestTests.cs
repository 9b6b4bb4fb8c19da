using MedExplain.Imaging;
using MedExplain.Pipelines.Concepts;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests.Concepts;

/// <summary>Concept manifests: the demo's, patterns, CSV measures, and the errors that name what is wrong.</summary>
public sealed class ConceptManifestTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string DemoConcepts => Path.Combine(RepoPaths.Demo, "concepts");

    [Fact]
    public void TheDemoManifest_ListsItsSetsAndMeasuresLesionAreaFromTheMasks()
    {
        ConceptStudy study = ConceptManifest.Load(Path.Combine(DemoConcepts, "concepts.json"));

        Assert.Equal(["burned-in marker", "ring-enhancing lesion"], study.Concepts.Select(c => c.Name));
        Assert.Equal(30, study.Concepts[0].Images.Count);
        Assert.Equal(ConceptMaskUse.Crop, study.Concepts[1].MaskUse);
        Assert.DoesNotContain(study.Concepts[1].Images, i => i.Contains("-mask", StringComparison.Ordinal));
        Assert.Equal((100, 20, 50, 50), (study.RandomPool.Count, study.RandomSets, study.RandomSetSize, study.Examples.Count));
        MeasureSet area = study.Measures.Single();
        Assert.Equal(30, area.Values.Count);
        Assert.Contains("in pixels", area.Unit, StringComparison.Ordinal);
        string firstMask = Path.Combine(DemoConcepts, "tumour", "tumour-001-mask.png");
        Assert.Equal(MedicalImageReader.Read(firstMask).Voxels.Count(v => v > 0), area.Values[0]);
    }

    [Fact]
    public void APattern_TakesTheMatchingScansOnly()
    {
        string manifest = Write("""{"concepts": [{"name": "few", "images": "DEMO/tumour/tumour-00?.png"}], "random": {"images": "DEMO/random"}}""");

        ConceptStudy study = ConceptManifest.Load(manifest);

        Assert.Equal(9, study.Concepts[0].Images.Count);
    }

    [Fact]
    public void ACsvMeasure_ReadsEachScansValue()
    {
        File.WriteAllText(_temp.File("measures.csv"), $"scan,contrast\n{Path.Combine(DemoConcepts, "tumour", "tumour-001.png")},1.5\n{Path.Combine(DemoConcepts, "tumour", "tumour-002.png")},-2e-1\n");
        string manifest = Write("""{"measures": [{"name": "contrast", "csv": "measures.csv"}], "examples": "DEMO/examples"}""");

        MeasureSet measure = ConceptManifest.Load(manifest).Measures.Single();

        Assert.Equal([1.5, -0.2], measure.Values);
        Assert.EndsWith("tumour-002.png", measure.Images[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"concepts": [{"name": "m", "images": "DEMO/marker"}]}""", "no random pool")]
    [InlineData("""{"concepts": [{"name": "m", "images": "DEMO/marker", "mask": "outline"}], "random": {"images": "DEMO/random"}}""", "\"outline\"")]
    [InlineData("""{"concepts": [{"name": "m", "images": "DEMO/nowhere"}], "random": {"images": "DEMO/random"}}""", "'DEMO/nowhere' is not a folder")]
    [InlineData("""{"concepts": [{"name": "m", "images": "DEMO/marker"}, {"name": "m", "images": "DEMO/marker"}], "random": {"images": "DEMO/random"}}""", "twice")]
    [InlineData("""{"measures": [{"name": "a", "images": "DEMO/tumour", "fromMasks": "roundness"}]}""", "\"roundness\"")]
    [InlineData("""{"concepts": 3}""", "is not a concept manifest")]
    public void ABadManifest_IsRefusedNamingTheProblem(string json, string expected)
    {
        string manifest = Write(json);

        var error = Assert.Throws<MedExplainInputException>(() => ConceptManifest.Load(manifest));

        Assert.Contains("concepts.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected.Replace("DEMO", DemoConcepts, StringComparison.Ordinal), error.Message.Replace(DemoConcepts, "DEMO", StringComparison.Ordinal).Replace("DEMO", DemoConcepts, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void ACsvWithABadNumber_IsRefusedNamingTheLine()
    {
        File.WriteAllText(_temp.File("measures.csv"), "scan,area\na.png,12\nb.png,many\n");
        string manifest = Write("""{"measures": [{"name": "area", "csv": "measures.csv"}]}""");

        var error = Assert.Throws<MedExplainInputException>(() => ConceptManifest.Load(manifest));

        Assert.Contains("measures.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        string path = _temp.File("concepts.json");
        File.WriteAllText(path, json.Replace("DEMO", DemoConcepts.Replace("\\", "/", StringComparison.Ordinal), StringComparison.Ordinal));
        return path;
    }
}
