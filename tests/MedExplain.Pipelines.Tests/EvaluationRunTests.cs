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
            ["gradient"], [EvaluationMetric.Get("deletion"), EvaluationMetric.Get("relevance-mass")], Steps: 4, Repeats: 1,
            Replicas: [], ShuffledLabels: null, CurvesByAtlas: false, new AttributionOptions());

        EvaluationResult result = new EvaluationRun(model, settings, _ => new Progress<BatchProgress>()).Run(items);

        Assert.Equal(2, result.Values.Count(v => v.Metric == "deletion"));
        Assert.All(result.Values.Where(v => v.Metric == "relevance-mass"), v => Assert.InRange(v.Value, 0, 1));
        Assert.Equal(5, result.Curves.Single(c => c.Metric == "deletion").Scores.Length);
    }

    [Fact]
    public void Get_UnknownMetric_NamesTheParameterAndListsTheMetrics()
    {
        var error = Assert.Throws<MedExplainParameterException>(() => EvaluationMetric.Get("accuracy"));

        Assert.Equal("metrics", error.Parameter);
        Assert.Contains("pointing-game", error.Message, StringComparison.Ordinal);
    }
}
