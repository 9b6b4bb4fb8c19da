using System.Globalization;
using System.Net;
using System.Text;
using MedExplain.Cli.Reports;
using MedExplain.Concepts;
using MedExplain.Imaging;
using MedExplain.Imaging.Rendering;
using MedExplain.Onnx;
using MedExplain.Pipelines.Concepts;
using SkiaSharp;

namespace MedExplain.Cli.Concepts;

/// <summary>What <c>medexplain concepts</c> prints and writes: a table, concepts.json, scores.csv, measures.csv and an
/// HTML report with bar charts, the entanglement matrix, RCV scatter plots and example concept images.</summary>
internal static class ConceptOutput
{
    private const int ExamplesShown = 6;

    /// <summary>A concept's verdict at a layer, in words.</summary>
    public static string Verdict(ConceptScore score, string className) =>
        !score.Learnable ? $"not learnable at this layer (CAV accuracy below {ConceptVector.LearnableAccuracy:0.0})"
        : !score.Significant ? "no evidence of an effect (not significant)"
        : score.Score.Mean > 0.5 ? $"raises {className} (significant)"
        : $"lowers {className} (significant)";

    public static void WriteTable(TextWriter writer, ConceptResults results)
    {
        string name = ClassLabel(results);
        writer.WriteLine($"class {name}; TCAV score = share of the {results.Examples.Count} examples whose logit rises along the concept; derivative = mean ∇logit·CAV/|CAV|");
        writer.WriteLine($"{"layer",-36} {"concept",-24} {"score [95% CI]",-22} {"derivative",10} {"CAV acc",8} {"p (Bonf.)",10}  verdict");
        foreach (string layer in results.Settings.Layers)
        {
            foreach (ConceptScore s in results.Scores.Where(s => s.Layer == layer))
            {
                writer.WriteLine(Invariant($"{Short(layer),-36} {Short(s.Concept, 24),-24} {Scored(s),-22} {Derivative(s),10} {s.CavAccuracies.Average(),8:0.00} {P(s.CorrectedP),10}  {Verdict(s, name)}"));
            }

            if (results.Baselines.FirstOrDefault(b => b.Layer == layer) is { } baseline)
            {
                writer.WriteLine(Invariant($"{Short(layer),-36} {"(random vs random)",-24} {Interval(baseline.Score),-22}"));
            }
        }

        if (results.Measures.Count > 0)
        {
            writer.WriteLine("regression concept vectors: Br = R² · mean(S)/std(S), S = ∇logit · rcv/|rcv|; p against the same fits on shuffled values");
            writer.WriteLine($"{"layer",-36} {"measure",-24} {"R²",7} {"mean S",10} {"Br",8} {"fold cos",8} {"p (Bonf.)",10}");
            foreach (MeasureRelevance m in results.Measures)
            {
                writer.WriteLine(Invariant($"{Short(m.Layer),-36} {Short(m.Measure, 24),-24} {m.R2,7:0.000} {m.Relevance.MeanSensitivity,10:G3} {Br(m),8} {m.FoldCosine,8:0.00} {P(m.CorrectedP),10}{(m.Significant ? "  significant" : string.Empty)}"));
                if (m.Note is { } note)
                {
                    writer.WriteLine($"    note: {note}");
                }
            }
        }
    }

    /// <summary>Writes the files and returns the report's path.</summary>
    public static string WriteFiles(ConceptResults results, ConceptStudy study, OnnxModel model, string folder)
    {
        AtomicFile.WriteAllText(Path.Combine(folder, "concepts.json"), Json(results, model));
        AtomicFile.WriteAllText(Path.Combine(folder, "scores.csv"), ScoresCsv(results));
        AtomicFile.WriteAllText(Path.Combine(folder, "measures.csv"), MeasuresCsv(results));
        string report = Path.Combine(folder, "report.html");
        HtmlReport.WritePage(report, $"MedExplain concepts: {Path.GetFileName(model.FilePath)}, class {ClassLabel(results)}", "A significant concept says the class's logit changes along the direction that separates the concept's examples from random ones at that layer: what the model is sensitive to, not what is clinically true. Patient identity fields are never read into this report.", Body(results, study, model, folder));
        return report;
    }

    /// <summary>The results as JSON: the same seed and inputs give the same bytes.</summary>
    public static string Json(ConceptResults results, OnnxModel model) => System.Text.Json.JsonSerializer.Serialize(
        new
        {
            model = Path.GetFileName(model.FilePath),
            targetClass = results.TargetClass,
            className = results.ClassName,
            layers = results.Settings.Layers,
            pooling = PoolingName(results.Settings.Pooling),
            measurePooling = PoolingName(results.Settings.MeasurePooling),
            seed = results.Settings.Seed,
            cavLoss = results.Settings.Cav.Loss == CavLoss.Hinge ? "hinge" : "logistic",
            ridge = results.Settings.Ridge,
            randomSets = results.RandomSets,
            randomSetSize = results.RandomSetSize,
            learnableAccuracy = ConceptVector.LearnableAccuracy,
            significanceLevel = TcavSignificance.Level,
            examples = results.Examples,
            scores = results.Scores.Select(s => new { s.Concept, s.Layer, s.Learnable, score = s.Score, s.Scores, s.MeanDerivatives, s.CavAccuracies, s.P, s.CorrectedP, s.Significant, verdict = Verdict(s, ClassLabel(results)) }),
            baselines = results.Baselines,
            entanglements = results.Entanglements,
            measures = results.Measures,
        },
        JsonOutput.Options) + "\n";

    private static string ScoresCsv(ConceptResults results)
    {
        var csv = new StringBuilder("layer,concept,learnable,score_mean,score_low,score_high,mean_derivative,cav_accuracy,p,p_bonferroni,significant\n");
        foreach (ConceptScore s in results.Scores)
        {
            csv.AppendLine(Invariant($"{Cell(s.Layer)},{Cell(s.Concept)},{s.Learnable},{s.Score.Mean:R},{s.Score.Low:R},{s.Score.High:R},{Mean(s.MeanDerivatives):R},{s.CavAccuracies.Average():R},{s.P:R},{s.CorrectedP:R},{s.Significant}"));
        }

        foreach (RandomBaseline b in results.Baselines)
        {
            csv.AppendLine(Invariant($"{Cell(b.Layer)},(random vs random),,{b.Score.Mean:R},{b.Score.Low:R},{b.Score.High:R},,,,,"));
        }

        return csv.ToString();
    }

    private static string MeasuresCsv(ConceptResults results)
    {
        var csv = new StringBuilder("layer,measure,r2,fold_cosine,mean_sensitivity,sensitivity_std,br,p,p_bonferroni,significant\n");
        foreach (MeasureRelevance m in results.Measures)
        {
            csv.AppendLine(Invariant($"{Cell(m.Layer)},{Cell(m.Measure)},{m.R2:R},{m.FoldCosine:R},{m.Relevance.MeanSensitivity:R},{m.Relevance.SensitivitySpread:R},{m.Relevance.Relevance:R},{m.P:R},{m.CorrectedP:R},{m.Significant}"));
        }

        return csv.ToString();
    }

    private static string Body(ConceptResults results, ConceptStudy study, OnnxModel model, string folder)
    {
        string name = ClassLabel(results);
        var html = new StringBuilder();
        html.Append("<h2>Settings</h2><table class=\"kv\">");
        foreach ((string key, string value) in new[]
        {
            ("model", Path.GetFileName(model.FilePath)),
            ("class explained", name),
            ("layers", string.Join(", ", results.Settings.Layers)),
            ("pooling", $"TCAV: {PoolingName(results.Settings.Pooling)}; measures: {PoolingName(results.Settings.MeasurePooling)} (flatten: every value of the activation; spatial-mean: one value per channel)"),
            ("examples of the class", results.Examples.Count.ToString(CultureInfo.InvariantCulture)),
            ("random sets", Invariant($"{results.RandomSets} sets of {results.RandomSetSize} drawn from a pool of {study.RandomPool.Count} scans (seed {results.Settings.Seed})")),
            ("CAV", $"{(results.Settings.Cav.Loss == CavLoss.Hinge ? "linear SVM by SGD on the hinge loss" : "logistic regression by SGD on the logistic loss")} (α {results.Settings.Cav.Alpha}, ≤{results.Settings.Cav.MaxEpochs} epochs, tol {results.Settings.Cav.Tolerance}), classes balanced, stratified 67/33 split"),
            ("significance", Invariant($"two-sided Student's t-test of the concept's scores against random-vs-random scores, Bonferroni over layers × concepts, level {TcavSignificance.Level}; CAVs below {ConceptVector.LearnableAccuracy} held-out accuracy are not scored")),
        })
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th>{E(key)}</th><td>{E(value)}</td></tr>");
        }

        html.Append("</table>");
        if (results.Scores.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>TCAV</h2><p class=\"muted\">The TCAV score is the share of the class's examples whose {E(name)} logit rises when the layer's activation moves toward the concept (0.5: no preference). Bars: the mean over the CAVs trained against different random sets, whiskers its 95% confidence interval; grey: the random-vs-random baseline. <b>*</b> significant after correction; <b>n/l</b> not learnable at this layer (not scored).</p><div class=\"plots\">");
            foreach (string layer in results.Settings.Layers)
            {
                var bars = results.Scores.Where(s => s.Layer == layer)
                    .Select(s => (s.Concept, s.Learnable ? s.Score.Mean : double.NaN, s.Score.Low, s.Score.High, !s.Learnable ? "n/l" : s.Significant ? "*" : string.Empty, false))
                    .ToList();
                if (results.Baselines.FirstOrDefault(b => b.Layer == layer) is { } baseline)
                {
                    bars.Add(("random vs random", baseline.Score.Mean, baseline.Score.Low, baseline.Score.High, string.Empty, true));
                }

                html.Append(CultureInfo.InvariantCulture, $"<figure>{SvgChart.Bars("TCAV score", bars, 0, 1)}<figcaption>{E(layer)}</figcaption></figure>");
            }

            html.Append("</div><table class=\"kv\"><tr><th>layer</th><th>concept</th><th>TCAV score [95% CI]</th><th>mean derivative</th><th>CAV accuracy</th><th>p</th><th>p (Bonferroni)</th><th>verdict</th></tr>");
            foreach (ConceptScore s in results.Scores)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(s.Layer)}</td><td>{E(s.Concept)}</td><td>{E(Scored(s))}</td><td>{Derivative(s)}</td><td>{s.CavAccuracies.Average():0.00} (min {s.CavAccuracies.Min():0.00})</td><td>{P(s.P)}</td><td>{P(s.CorrectedP)}</td><td>{E(Verdict(s, name))}</td></tr>");
            }

            html.Append("</table>");
            Entanglement(html, results);
            ExampleImages(html, study, model, folder);
        }

        if (results.Measures.Count > 0)
        {
            html.Append("<h2>Regression concept vectors</h2><p class=\"muted\">How well each layer predicts the measure (3-fold cross-validated R²), and whether the class's logit rises along the measure's direction: Br = R² · mean(S)/std(S) with S = ∇logit · rcv/|rcv|, signed (positive: the logit rises as the measure grows). p compares Br of fits on subsamples with the same fits on shuffled values. Scatter: each scan's measure against its logit.</p>");
            html.Append("<table class=\"kv\"><tr><th>layer</th><th>measure</th><th>R²</th><th>mean S</th><th>Br</th><th>fold cosine</th><th>p (Bonferroni)</th><th>from</th></tr>");
            foreach (MeasureRelevance m in results.Measures)
            {
                string unit = study.Measures.First(s => s.Name == m.Measure).Unit;
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(m.Layer)}</td><td>{E(m.Measure)}</td><td>{m.R2:0.000}</td><td>{m.Relevance.MeanSensitivity:G3}</td><td>{Br(m)}{(m.Significant ? " *" : string.Empty)}</td><td>{m.FoldCosine:0.00}</td><td>{P(m.CorrectedP)}</td><td class=\"muted\">{E(unit)}{(m.Note is { } note ? $"<br>{E(note)}" : string.Empty)}</td></tr>");
            }

            html.Append("</table><div class=\"plots\">");
            foreach (MeasureRelevance m in results.Measures.GroupBy(m => m.Measure).Select(g => g.First()))
            {
                html.Append(CultureInfo.InvariantCulture, $"<figure>{SvgChart.Scatter(m.Measure, $"{name} logit", m.Values, m.Logits)}<figcaption>{E(m.Measure)} against the {E(name)} logit ({m.Values.Length} scans)</figcaption></figure>");
            }

            html.Append("</div>");
        }

        return html.ToString();
    }

    private static void Entanglement(StringBuilder html, ConceptResults results)
    {
        if (results.Entanglements.All(e => e.Concepts.Count < 2))
        {
            return;
        }

        html.Append("<h3>Entanglement</h3><p class=\"muted\">Cosine between the concepts' mean CAV directions at each layer: near 1, the layer does not tell the concepts apart, and their scores cannot be read separately.</p><div class=\"plots\">");
        foreach (ConceptEntanglement e in results.Entanglements)
        {
            html.Append(CultureInfo.InvariantCulture, $"<table class=\"kv\"><caption>{E(e.Layer)}</caption><tr><th></th>{string.Concat(e.Concepts.Select(c => $"<th>{E(c)}</th>"))}</tr>");
            for (int a = 0; a < e.Concepts.Count; a++)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><th>{E(e.Concepts[a])}</th>{string.Concat(e.Cosines[a].Select(v => Invariant($"<td style=\"background:rgba(200,16,46,{Math.Abs(v) * 0.6:0.00})\">{v:0.00}</td>")))}</tr>");
            }

            html.Append("</table>");
        }

        html.Append("</div>");
    }

    /// <summary>The first few examples of each concept as the model receives them (its input grid, array order).</summary>
    private static void ExampleImages(StringBuilder html, ConceptStudy study, OnnxModel model, string folder)
    {
        string images = Path.Combine(folder, "concept-images");
        Directory.CreateDirectory(images);
        html.Append("<h3>Concept examples</h3><p class=\"muted\">The first examples of each concept as the model receives them: its input grid in array order (rows top to bottom), the middle slice of a volume, after any crop or mask.</p>");
        for (int c = 0; c < study.Concepts.Count; c++)
        {
            ConceptSet concept = study.Concepts[c];
            html.Append(CultureInfo.InvariantCulture, $"<h4>{E(concept.Name)} <span class=\"muted\">({concept.Images.Count} scans{(concept.MaskUse == ConceptMaskUse.None ? string.Empty : concept.MaskUse == ConceptMaskUse.Crop ? ", cropped to their masks" : ", outside their masks set to zero")})</span></h4><div class=\"plots\">");
            foreach ((string scan, int n) in concept.Images.Take(ExamplesShown).Select((s, n) => (s, n)))
            {
                string? mask = concept.MaskUse == ConceptMaskUse.None ? null : ScanFolder.Companion(scan, Path.GetDirectoryName(scan)!, "-mask");
                string file = $"concept-{c + 1}-{n + 1}.png";
                using SKBitmap bitmap = Thumbnail(ConceptInput.Prepare(scan, mask, model.InputSpec, concept.MaskUse, concept.Margin));
                MapRenderer.SavePng(bitmap, Path.Combine(images, file));
                html.Append(CultureInfo.InvariantCulture, $"<figure><img src=\"concept-images/{file}\" width=\"{bitmap.Width}\" alt=\"{E(concept.Name)} example {n + 1}\"><figcaption>{E(Path.GetFileName(scan))}</figcaption></figure>");
            }

            html.Append("</div>");
        }
    }

    private static SKBitmap Thumbnail(FloatTensor input)
    {
        int[] shape = input.Shape;
        int height = shape[^2], width = shape[^1], plane = height * width;
        int depth = shape.Length == 5 ? shape[2] : 1;
        ReadOnlySpan<float> slice = input.Data.AsSpan((depth / 2) * plane, plane);
        float low = float.MaxValue, high = float.MinValue;
        foreach (float v in slice)
        {
            low = Math.Min(low, v);
            high = Math.Max(high, v);
        }

        float[] grey = new float[plane];
        for (int i = 0; i < plane; i++)
        {
            grey[i] = high > low ? (slice[i] - low) / (high - low) : 0;
        }

        return Overlay.RenderGray(grey, new float[plane], width, height, 0, false);
    }

    private static string PoolingName(LayerPooling pooling) => pooling == LayerPooling.Flatten ? "flatten" : "spatial-mean";

    private static string ClassLabel(ConceptResults results) => results.ClassName is { } n ? $"{n} ({results.TargetClass})" : $"class {results.TargetClass}";

    /// <summary>A concept's TCAV score and interval, or a dash where it is not learnable.</summary>
    public static string Scored(ConceptScore s) => s.Learnable ? Interval(s.Score) : "–";

    /// <summary>A score and its interval, the interval cut to [0, 1] since a score is a share.</summary>
    private static string Interval(MeanInterval m) => double.IsNaN(m.Mean) ? "–" : Invariant($"{m.Mean:0.00} [{Math.Max(0, m.Low):0.00}, {Math.Min(1, m.High):0.00}]");

    private static string Br(MeasureRelevance m) => m.Relevance.Relevance is double br ? (br == 0 ? 0 : br).ToString("0.000", CultureInfo.InvariantCulture) : "undefined";

    private static string Derivative(ConceptScore s) => s.Learnable ? Invariant($"{s.MeanDerivatives.Average():G3}") : "–";

    private static double Mean(double[] values) => values.Length < 2 ? double.NaN : values.Average();

    /// <summary>A p-value as reports print it.</summary>
    public static string P(double? p) => p switch
    {
        null => "–",
        0 => "≈0",
        < 1e-4 => Invariant($"{p:0.0e+0}"),
        _ => Invariant($"{p:0.0000}"),
    };

    private static string Short(string text, int width = 36) => text.Length <= width ? text : "…" + text[^(width - 1)..];

    private static string Cell(string text) => text.Contains(',', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal) ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
