using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests;

/// <summary>The demo vision transformers' attention maps, measured: on the honest model the class-specific maps are
/// more faithful than raw attention; on the shortcut model every map points at the burned-in marker.</summary>
public sealed class AttentionEvaluationTests
{
    private static readonly string[] Methods = ["gradient-rollout", "lrp-transformer", "attention-rollout", "raw-attention"];

    [Fact]
    public void DemoVit_GradientRolloutAndLrpDeleteFasterThanRawAttention()
    {
        EvaluationResult result = Evaluate("brain-lesion-vit-2d", "deletion");

        double Deletion(string method) => result.Values.Where(v => v.Method == method && v.Metric == "deletion").Average(v => v.Value);
        Assert.True(Deletion("gradient-rollout") < Deletion("raw-attention"), $"gradient-rollout {Deletion("gradient-rollout"):0.###} vs raw-attention {Deletion("raw-attention"):0.###}");
        Assert.True(Deletion("lrp-transformer") < Deletion("raw-attention"), $"lrp-transformer {Deletion("lrp-transformer"):0.###} vs raw-attention {Deletion("raw-attention"):0.###}");
    }

    [Fact]
    public void ShortcutVit_EveryMapPutsFarMoreThanTheMarkersAreaShareOnTheMarker()
    {
        EvaluationResult result = Evaluate("shortcut-marker-vit-2d", "confounder-mass");

        Finding finding = Assert.Single(result.Findings, f => f.Kind == "confounder");
        double share = finding.Numbers["areaShare"];
        foreach (string method in Methods)
        {
            double mass = result.Values.Where(v => v.Method == method && v.Metric == "confounder-mass").Average(v => v.Value);
            Assert.True(mass >= 3 * share, $"{method}: {mass:P1} of the relevance on the marker, whose area is {share:P1} of the image");
        }
    }

    private static EvaluationResult Evaluate(string modelName, string metric)
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel(modelName));
        IReadOnlyList<EvaluationItem> items = EvaluationSet.Load(RepoPaths.DemoScan("manifest.json"), null, null, modelName, 50);
        var settings = new EvaluationSettings(Methods, [EvaluationMetrics.Get(metric)], Steps: 20, Repeats: 1, Replicas: [], ShuffledLabels: null, CurvesByAtlas: false, new AttributionOptions());
        return new EvaluationRun(model, settings, _ => new Progress<MedExplain.Batching.BatchProgress>()).Run(items);
    }
}
