using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests;

/// <summary>The demo vision transformers' attention maps, measured: on the honest model the class-specific maps are
/// more faithful than raw attention; on the shortcut model LRP puts most relevance on the burned-in marker and rollout's
/// strongest patch is the marker's (gradient rollout and raw attention, measured in docs/attention.md, do not single it out).</summary>
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
    public void ShortcutVit_LrpPutsFarMoreThanTheMarkersAreaShareOnTheMarker()
    {
        EvaluationResult result = Evaluate("shortcut-marker-vit-2d", "confounder-mass");

        Finding finding = Assert.Single(result.Findings, f => f.Kind == "confounder");
        double share = finding.Numbers["areaShare"];
        double mass = result.Values.Where(v => v.Method == "lrp-transformer" && v.Metric == "confounder-mass").Average(v => v.Value);
        Assert.True(mass >= 10 * share, $"lrp-transformer: {mass:P1} of the relevance on the marker, whose area is {share:P1} of the image");
    }

    [Fact]
    public void ShortcutVit_RolloutsStrongestPatchIsTheMarkersOnEveryMarkedSlice()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("shortcut-marker-vit-2d"));
        foreach (string scan in new[] { "shortcut/slice-01-lesion-marker.png", "shortcut/slice-03-normal-marker.png" })
        {
            FloatTensor input = MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan(scan), model.InputSpec);

            float[] map = AttributionMethods.Get("attention-rollout").Attribute(model, input, ClassTarget.Predicted, new AttributionOptions { CamAtLayerResolution = true }).Values.Data;

            // The marker sits in the top-left corner: patch (0, 0) of the 8 × 8 grid.
            Assert.Equal(0, Array.IndexOf(map, map.Max()));
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
