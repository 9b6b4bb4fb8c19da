using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Pipelines.Summaries;
using MedExplain.Prediction;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests.Summaries;

/// <summary>Plain-language summaries on the demo: every number printed is a fact of the JSON, the shares are recomputed
/// here by a plain loop over the map and the atlas, the deletion by an independent prediction, and the shortcut model's
/// summary names the marker area that holds its evidence.</summary>
public sealed partial class ExplanationSummaryTests
{
    private static readonly string Names = RepoPaths.DemoScan("2d/aal-regions-readable.tsv");

    [Fact]
    public void Summary_OfTheTumourSlice_PrintsOnlyNumbersOfItsFacts()
    {
        Explanation explanation = Explain("brain-lesion-2d", "2d/slice-02-tumour.nii.gz", "2d/slice-02-tumour-mask.nii.gz", atlas: "2d/slice-02-tumour-regions.nii.gz");
        ExplanationSummary summary = explanation.Summary!;

        // Strip the names (some hold digits: "crus 1"), then every number left must be a value of the JSON facts.
        string text = summary.Facts.Maps.SelectMany(m => m.Regions.Select(r => r.Name)).Distinct().OrderByDescending(n => n.Length)
            .Aggregate(summary.Text, (t, name) => t.Replace(name, "NAME", StringComparison.Ordinal));
        double[] printed = [.. NumberPattern().Matches(text).Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture))];
        HashSet<double> facts = [.. Numbers(JsonSerializer.SerializeToElement(summary.Facts))];
        Assert.True(printed.Length >= 6, summary.Text);
        Assert.All(printed, n => Assert.Contains(n, facts));

        MapFacts lead = summary.Facts.Maps[0];
        Assert.StartsWith(FormattableString.Invariant($"Predicted tumour ({summary.Facts.ProbabilityPercent}%)."), summary.Text, StringComparison.Ordinal);
        Assert.Contains(FormattableString.Invariant($"{lead.Regions[0].Percent}% of the positive relevance of {lead.Method} lies in the {lead.Regions[0].Name}"), summary.Text, StringComparison.Ordinal);
        Assert.Contains(FormattableString.Invariant($"{lead.LesionPercent}% inside the marked lesion"), summary.Text, StringComparison.Ordinal);
        Assert.Contains(FormattableString.Invariant($"mean rank correlation {summary.Facts.Agreement!.MeanRankCorrelation}"), summary.Text, StringComparison.Ordinal);
        Assert.Contains(FormattableString.Invariant($"from {lead.Deletion!.BeforePercent}% to {lead.Deletion.AfterPercent}%"), summary.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_Shares_AreThoseOfAPlainLoopOverMapAtlasAndMask()
    {
        Explanation explanation = Explain("brain-lesion-2d", "2d/slice-05-tumour.nii.gz", "2d/slice-05-tumour-mask.nii.gz", atlas: "2d/slice-05-tumour-regions.nii.gz");
        float[] labels = LabelMaps.OnScanGrid(RepoPaths.DemoScan("2d/slice-05-tumour-regions.nii.gz"), explanation.Input.Scan);
        Dictionary<int, string> names = RegionNameTable.Read(Names);

        for (int m = 0; m < explanation.Maps.Count; m++)
        {
            float[] map = explanation.Maps[m].OnScan;
            double total = map.Sum(v => Math.Max(v, 0.0));
            var byLabel = new Dictionary<int, double>();
            double lesion = 0;
            for (int i = 0; i < map.Length; i++)
            {
                int label = (int)Math.Round(labels[i]);
                byLabel[label] = byLabel.GetValueOrDefault(label) + Math.Max(map[i], 0.0);
                lesion += explanation.LesionMask![i] > 0 ? Math.Max(map[i], 0.0) : 0;
            }

            MapFacts facts = explanation.Summary!.Facts.Maps[m];
            KeyValuePair<int, double> largest = byLabel.Where(p => p.Key != 0).MaxBy(p => p.Value);
            Assert.Equal(largest.Key, facts.Regions[0].Label);
            Assert.Equal(names[largest.Key], facts.Regions[0].Name);
            Assert.Equal((int)Math.Round(100 * largest.Value / total, MidpointRounding.AwayFromZero), facts.Regions[0].Percent);
            Assert.Equal((int)Math.Round(100 * byLabel.GetValueOrDefault(0) / total, MidpointRounding.AwayFromZero), facts.OutsideRegionsPercent);
            Assert.Equal((int)Math.Round(100 * lesion / total, MidpointRounding.AwayFromZero), facts.LesionPercent);
            Assert.True(facts.Regions.Zip(facts.Regions.Skip(1)).All(p => p.First.Percent >= p.Second.Percent), "regions largest first");
        }
    }

    [Fact]
    public void Summary_Deletion_IsTheProbabilityOfTheScanWithItsTopVoxelsZeroed()
    {
        Explanation explanation = Explain("brain-lesion-2d", "2d/slice-02-tumour.nii.gz", null, methods: ["gradient"]);
        using var model = Onnx.OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        FloatTensor input = explanation.Input.Batch;
        Attribution gradient = AttributionMethods.Get("gradient").Attribute(model, input, ClassTarget.Predicted, new AttributionOptions());

        // Independently: rank by a full sort of (value, index) pairs and zero the top 5% of the input's values.
        float[] values = gradient.Values.Item(0).ToArray();
        int[] top = [.. Enumerable.Range(0, values.Length).OrderByDescending(i => values[i]).Take((int)Math.Round(0.05 * values.Length))];
        float[] deleted = [.. input.Data];
        foreach (int i in top)
        {
            deleted[i] = 0;
        }

        ClassPrediction after = new Predictor(model).Predict(new FloatTensor(input.Shape, deleted), "deleted").Items[0];
        DeletionEffect effect = explanation.Maps[0].Deletion!;
        Assert.Equal(0.05, effect.Fraction);
        Assert.Equal(explanation.Prediction.Confidence, effect.ProbabilityBefore, 6);
        Assert.Equal(after.Probabilities[explanation.Prediction.ClassIndex], effect.ProbabilityAfter, 4);
        Assert.True(effect.ProbabilityAfter < effect.ProbabilityBefore - 0.2, $"deleting the gradient's top 5% should cost the tumour score: {effect}");
    }

    [Fact]
    public void Summary_OfTheShortcutModel_NamesTheMarkerAreaThatHoldsItsEvidence()
    {
        const string scan = "shortcut/slice-03-normal-marker.png";
        Explanation shortcut = Explain("shortcut-marker-2d", scan, "shortcut/slice-03-normal-marker-mask.png", confounder: "shortcut/marker-area.png", methods: ["grad-cam"]);
        Explanation honest = Explain("brain-lesion-2d", scan, "shortcut/slice-03-normal-marker-mask.png", confounder: "shortcut/marker-area.png", methods: ["grad-cam"]);

        ConfounderShare onMarker = shortcut.Summary!.Facts.Maps[0].Confounder!, honestOnMarker = honest.Summary!.Facts.Maps[0].Confounder!;
        Assert.Equal("marker area", onMarker.Name);
        Assert.StartsWith("Predicted lesion", shortcut.Summary.Text, StringComparison.Ordinal);
        Assert.Contains(FormattableString.Invariant($"{onMarker.Percent}% of the positive relevance of grad-cam lies on the marker area ({onMarker.AreaPercent}% of the scan), a known confounder"), shortcut.Summary.Text, StringComparison.Ordinal);
        Assert.True(onMarker.Percent >= 5 * onMarker.AreaPercent, $"the shortcut model's Grad-CAM should crowd onto the marker: {onMarker}");
        Assert.True(honestOnMarker.Percent < honestOnMarker.AreaPercent, $"the honest model's should not: {honestOnMarker}");
        Assert.Null(shortcut.Summary.Facts.Maps[0].LesionPercent); // a normal scan's empty lesion mask marks nothing
    }

    [Fact]
    public void Summary_WithUncertainty_StatesTheMeasuredEntropyAndItsBound()
    {
        Explanation explanation = Explainer.Explain(new ExplainRequest(
            RepoPaths.DemoModel("brain-lesion-2d"), null, RepoPaths.DemoScan("2d/slice-03-infarct.png"), new ImageReadOptions(), null,
            ["gradient"], ClassTarget.Predicted, new AttributionOptions(), null, new Dictionary<string, string>())
        {
            Uncertainty = new UncertaintySettings(UncertaintySource.TestTimeAugmentation),
        });

        UncertaintyFacts facts = explanation.Summary!.Facts.Uncertainty!;
        MedExplain.Uncertainty.PredictiveUncertainty measured = explanation.Uncertainty!.Value.Measures;
        Assert.Equal(Math.Round(measured.PredictiveEntropy, 2, MidpointRounding.AwayFromZero), facts.PredictiveEntropy);
        Assert.Equal(Math.Round(Math.Log(3), 2), facts.MaxEntropy);
        Assert.Contains(FormattableString.Invariant($"Over {measured.Samples} test-time augmentation samples the predictive entropy is {facts.PredictiveEntropy} nats (at most {facts.MaxEntropy})"), explanation.Summary.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_InATranslation_KeepsTheFactsAndChangesTheWords()
    {
        string folder = Directory.CreateTempSubdirectory("medexplain-templates-").FullName;
        try
        {
            Dictionary<string, string> english = EnglishTemplates();
            Dictionary<string, string> german = english.ToDictionary(p => p.Key, p => p.Value);
            german["prediction"] = "Vorhersage {class} ({probability} %).";
            german["deletion"] = "Ohne die obersten {fraction} % der Voxel nach {method} sinkt die Wahrscheinlichkeit von {class} von {before} % auf {after} %.";
            string path = Path.Combine(folder, "de.json");
            File.WriteAllText(path, JsonSerializer.Serialize(german));

            Explanation explanation = Explain("brain-lesion-2d", "2d/slice-02-tumour.nii.gz", null, methods: ["gradient"], templates: SummaryTemplates.Load(path));

            DeletionFacts deletion = explanation.Summary!.Facts.Maps[0].Deletion!;
            Assert.StartsWith(FormattableString.Invariant($"Vorhersage tumour ({explanation.Summary.Facts.ProbabilityPercent} %)."), explanation.Summary.Text, StringComparison.Ordinal);
            Assert.EndsWith(FormattableString.Invariant($"sinkt die Wahrscheinlichkeit von tumour von {deletion.BeforePercent} % auf {deletion.AfterPercent} %."), explanation.Summary.Text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("missing", "lacks the template \"deletion\"")]
    [InlineData("lost slot", "template \"prediction\" has the slots {class}; it needs exactly {class}, {probability}")]
    [InlineData("extra key", "has templates MedExplain does not write: greeting")]
    [InlineData("not json", "is not a JSON object of template strings")]
    public void Load_ABrokenTranslation_IsRefusedNamingTheFileAndTheTemplate(string broken, string expected)
    {
        string folder = Directory.CreateTempSubdirectory("medexplain-templates-").FullName;
        try
        {
            Dictionary<string, string> templates = EnglishTemplates();
            string path = Path.Combine(folder, "broken.json");
            switch (broken)
            {
                case "missing": templates.Remove("deletion"); break;
                case "lost slot": templates["prediction"] = "Predicted {class}."; break;
                case "extra key": templates["greeting"] = "Hello."; break;
            }

            File.WriteAllText(path, broken == "not json" ? "[1, 2]" : JsonSerializer.Serialize(templates));

            var error = Assert.Throws<MedExplainInputException>(() => SummaryTemplates.Load(path));
            Assert.Equal(path, error.FilePath);
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Dictionary<string, string> EnglishTemplates() =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "MedExplain.Pipelines", "Summaries", "templates-en.json")))!;

    private static Explanation Explain(string model, string scan, string? lesion, string? atlas = null, string? confounder = null, string[]? methods = null, SummaryTemplates? templates = null) =>
        Explainer.Explain(new ExplainRequest(
            RepoPaths.DemoModel(model), null, RepoPaths.DemoScan(scan), new ImageReadOptions(), null,
            methods ?? ["gradient", "integrated-gradients", "grad-cam"], ClassTarget.Predicted, new AttributionOptions { Steps = 16 },
            lesion is null ? null : RepoPaths.DemoScan(lesion), new Dictionary<string, string>())
        {
            AtlasPath = atlas is null ? null : RepoPaths.DemoScan(atlas),
            AtlasNames = atlas is null ? new Dictionary<int, string>() : RegionNameTable.Read(Names),
            ConfounderMaskPath = confounder is null ? null : RepoPaths.DemoScan(confounder),
            SummaryTemplates = templates,
        });

    private static IEnumerable<double> Numbers(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => [element.GetDouble()],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Numbers(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Numbers),
        _ => [],
    };

    [GeneratedRegex(@"\d+(\.\d+)?")]
    private static partial Regex NumberPattern();
}
