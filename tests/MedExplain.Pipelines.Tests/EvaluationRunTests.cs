using MedExplain.Batching;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Pipelines;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests;

/// <summary>The evaluate use case from a C# program: metrics of a method's maps on demo scans, without the CLI.</summary>
public sealed class EvaluationRunTests
{
    [Fact]
    public void Run_DemoLesionScans_GivesEveryRequestedMetricPerScan()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        EvaluationItem[] items =
        [
            new(RepoPaths.DemoScan("2d/slice-02-tumour.png"), RepoPaths.DemoScan("2d/slice-02-tumour-mask.png"), null),
            new(RepoPaths.DemoScan("2d/slice-03-infarct.png"), RepoPaths.DemoScan("2d/slice-03-infarct-mask.png"), null),
        ];
        var settings = new EvaluationSettings(
            ["gradient"], [EvaluationMetrics.Get("deletion"), EvaluationMetrics.Get("relevance-mass")], Steps: 4, Repeats: 1,
            Replicas: [], ShuffledLabels: null, CurvesByAtlas: false, new AttributionOptions());

        EvaluationResult result = new EvaluationRun(model, settings, _ => new Progress<BatchProgress>()).Run(items);

        Assert.Equal(2, result.Values.Count(v => v.Metric == "deletion"));
        Assert.All(result.Values.Where(v => v.Metric == "relevance-mass"), v => Assert.InRange(v.Value, 0, 1));
        Assert.Equal(5, result.Curves.Single(c => c.Metric == "deletion").Scores.Length);
    }

    [Fact]
    public void Get_UnknownMetric_NamesTheParameterAndListsTheMetrics()
    {
        var error = Assert.Throws<MedExplainParameterException>(() => EvaluationMetrics.Get("accuracy"));

        Assert.Equal("metrics", error.Parameter);
        Assert.Contains("pointing-game", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_AProgramsOwnMetric_IsComputedBesideTheBuiltIns()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        var mapSum = new ScanMetric("map-sum", MetricDirection.Context, MetricNeeds.Nothing, "Σ map.", s => s.Map.Sum(v => (double)v));
        var settings = new EvaluationSettings(["gradient"], [mapSum], Steps: 4, Repeats: 1, Replicas: [], ShuffledLabels: null, CurvesByAtlas: false, new AttributionOptions());
        var item = new EvaluationItem(RepoPaths.DemoScan("2d/slice-02-tumour.png"), null, null);

        EvaluationResult result = new EvaluationRun(model, settings, _ => new Progress<BatchProgress>()).Run([item]);

        FloatTensor x = MedExplain.Imaging.ModelInputLoader.Load(item.Scan, model.InputSpec);
        double expected = AttributionMethods.Get("gradient").Attribute(model, x, ClassTarget.Predicted, new AttributionOptions()).Values.Data.Sum(v => (double)v);
        Assert.Equal(expected, result.Values.Single(v => v.Metric == "map-sum").Value, 6);
    }

    [Fact]
    public void Settings_OutOfRange_AreRefusedNamingTheParameter()
    {
        var settings = new EvaluationSettings(["gradient"], [EvaluationMetrics.Get("deletion")], Steps: 1, Repeats: 1, Replicas: [], ShuffledLabels: null, CurvesByAtlas: false, new AttributionOptions());

        Assert.Equal("steps", Assert.Throws<MedExplainParameterException>(settings.Validate).Parameter);
        Assert.Equal("repeats", Assert.Throws<MedExplainParameterException>((settings with { Steps = 4, Repeats = 0 }).Validate).Parameter);
        Assert.Equal("method", Assert.Throws<MedExplainParameterException>((settings with { Steps = 4, Methods = ["nope"] }).Validate).Parameter);
    }

    [Fact]
    public void Unavailable_NamesTheMetricsNoScanCanHave()
    {
        var settings = new EvaluationSettings(["gradient"], [.. new[] { "deletion", "iou", "repeatability", "top10-gain" }.Select(EvaluationMetrics.Get)],
            Steps: 4, Repeats: 1, Replicas: [], ShuffledLabels: null, CurvesByAtlas: false, new AttributionOptions());
        EvaluationItem[] items = [new("a.png", LesionMask: null, Atlas: "a-regions.png")];

        Assert.Equal([("iou", MetricNeeds.LesionMask), ("repeatability", MetricNeeds.SecondRun)], settings.Unavailable(items).Select(u => (u.Metric.Name, u.Missing)));
    }

    [Fact]
    public void Load_DemoManifest_GivesTheModelsScansWithTheirMasks()
    {
        IReadOnlyList<EvaluationItem> items = EvaluationSet.Load(RepoPaths.DemoScan("manifest.json"), null, null, "brain-lesion-2d", 50);

        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.True(File.Exists(i.Scan), i.Scan));
        Assert.Contains(items, i => i.LesionMask is { } mask && File.Exists(mask));
    }

    [Fact]
    public void Load_Folder_PairsEachScanWithItsCompanions()
    {
        IReadOnlyList<EvaluationItem> items = EvaluationSet.Load(Path.GetDirectoryName(RepoPaths.DemoScan("2d/slice-02-tumour.png"))!, null, null, "any", 50);

        EvaluationItem tumour = items.Single(i => Path.GetFileName(i.Scan) == "slice-02-tumour.nii.gz");
        Assert.Equal("slice-02-tumour-mask.nii.gz", Path.GetFileName(tumour.LesionMask));
        Assert.Equal("slice-02-tumour-regions.nii.gz", Path.GetFileName(tumour.Atlas));
        Assert.DoesNotContain(items, i => i.Scan.Contains("-mask", StringComparison.Ordinal) || i.Scan.Contains("-regions", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MissingData_NamesThePath()
    {
        var error = Assert.Throws<MedExplainInputException>(() => EvaluationSet.Load("no/such/folder", null, null, "any", 5));

        Assert.StartsWith("no/such/folder: not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_DemoFolder_GivesTheLocalisationOfTheManifest()
    {
        // The folder holds every slice as PNG and as NIfTI, with masks in both: one scan per slice, each paired with
        // the mask of its own format, must give the manifest's numbers.
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        var settings = new EvaluationSettings(["gradient"], [EvaluationMetrics.Get("pointing-game"), EvaluationMetrics.Get("relevance-mass")], Steps: 4, Repeats: 1,
            Replicas: [], ShuffledLabels: null, CurvesByAtlas: false, new AttributionOptions());
        IReadOnlyList<EvaluationItem> folder = EvaluationSet.Load(Path.GetDirectoryName(RepoPaths.DemoScan("2d/x"))!, null, null, "brain-lesion-2d", 50);
        IReadOnlyList<EvaluationItem> manifest = EvaluationSet.Load(RepoPaths.DemoScan("manifest.json"), null, null, "brain-lesion-2d", 50);

        EvaluationResult fromFolder = new EvaluationRun(model, settings, _ => new Progress<BatchProgress>()).Run(folder);
        EvaluationResult fromManifest = new EvaluationRun(model, settings, _ => new Progress<BatchProgress>()).Run(manifest);

        Assert.Equal(manifest.Count, folder.Count);
        foreach (string metric in new[] { "pointing-game", "relevance-mass" })
        {
            Assert.Equal(fromManifest.Values.Where(v => v.Metric == metric).Average(v => v.Value), fromFolder.Values.Where(v => v.Metric == metric).Average(v => v.Value), 3);
        }
    }
}
