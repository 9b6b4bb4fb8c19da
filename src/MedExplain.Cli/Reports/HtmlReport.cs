using MedExplain.Pipelines;
using System.Globalization;
using System.Net;
using System.Text;
using MedExplain.Cli.Explain;
using MedExplain.Imaging;

namespace MedExplain.Cli.Reports;

/// <summary>A self-contained HTML report (pictures inlined, no scripts, no network) of one or more explanations.</summary>
internal sealed class HtmlReport
{
    private readonly StringBuilder _body = new();

    public HtmlReport(string title) => Title = title;

    public string Title { get; }

    /// <summary>Adds one explained scan: prediction, the method figure, one panel per method, scan metadata, parameters.</summary>
    /// <param name="explanation">The run.</param>
    /// <param name="figures">The rendered figures and how they were drawn.</param>
    /// <param name="files">Files written for this scan, relative to the report.</param>
    /// <param name="anchor">The section's id, so other parts of the page can link to it.</param>
    public void Add(Explanation explanation, ExplanationFigures figures, IReadOnlyList<string> files, string anchor)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        ArgumentNullException.ThrowIfNull(figures);
        MedicalImage scan = explanation.Input.Scan;
        string scanName = Path.GetFileName(scan.Metadata.Source.TrimEnd('/', '\\'));
        _body.Append(CultureInfo.InvariantCulture, $"<section id=\"{E(anchor)}\"><h2>{E(scanName)} — model {E(explanation.ModelName)}</h2>");
        if (explanation.ModelDescription is { Length: > 0 } description)
        {
            _body.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">{E(description)}</p>");
        }

        Brief(explanation);
        Prediction(explanation);
        _body.Append(CultureInfo.InvariantCulture, $"<figure><img alt=\"scan and attribution maps\" src=\"{Png(figures.Overview)}\"><figcaption>The scan and each method's map for class <b>{E(explanation.ClassNames[explanation.Maps.Count > 0 ? explanation.Maps[0].TargetClass : explanation.Prediction.ClassIndex])}</b>, drawn on the scan's own voxels{(figures.Through is { } through ? $"; axial, coronal and sagittal planes through {E(through)}" : string.Empty)}. {E(figures.Convention)} Signed maps: red raised the score, blue lowered it; magnitudes run from black to yellow. Each method's colour range is under its name (the 99.5th percentile of |value|). {E(figures.SharedScales ?? "Methods measure different things, each on its own scale: compare places, not colours, across methods.")}{(explanation.LesionMask is null ? string.Empty : " Green: the lesion outline.")}</figcaption></figure>");
        _body.Append("<h3>Methods</h3><div class=\"methods\">");
        for (int m = 0; m < explanation.Maps.Count; m++)
        {
            MethodMap map = explanation.Maps[m];
            string diagnostics = string.Join(", ", map.Diagnostics.Select(d => $"{d.Key.Name} {d.Value:0.####}"));
            _body.Append(CultureInfo.InvariantCulture, $"<div class=\"method\" style=\"flex-basis:{Math.Max(340, PngWidth(figures.Panels[m]) + 24)}px\"><h4>{E(map.Method)} <span class=\"muted\">colour scale {E(figures.Scales[m].Range)}</span></h4><img alt=\"{E(map.Method)}\" src=\"{Png(figures.Panels[m])}\"><p>{E(map.Summary)}</p><p class=\"muted\">explains {(explanation.Segmentation is null ? "class" : "the predicted region of")} {E(explanation.ClassNames[map.TargetClass])} ({(explanation.Segmentation is null ? "logit" : "summed score")} {map.TargetScore:0.###}); {map.Seconds:0.00} s{(diagnostics.Length > 0 ? "; " + E(diagnostics) : string.Empty)}</p>");
            if (map.Spread is { } spread)
            {
                if (m < figures.Spreads.Count && figures.Spreads[m] is { } picture)
                {
                    _body.Append(CultureInfo.InvariantCulture, $"<figure><img alt=\"{E(map.Method)} spread\" src=\"{Png(picture.Png)}\"><figcaption>How much this map moves across the augmentations: the voxelwise standard deviation, black (0) to yellow ({E(picture.Scale.Range)}), on the same planes.</figcaption></figure>");
                }

                _body.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Across {spread.Samples} test-time augmentations (inverted exactly onto the scan) the strongest 10% of this map overlap {spread.TopOverlap:0.00} on average (1: always the same voxels); the voxelwise standard deviation is written beside the map (…-spread.nii.gz).</p>");
            }

            foreach (string warning in map.Warnings)
            {
                _body.Append(CultureInfo.InvariantCulture, $"<p><b>Warning:</b> {E(warning)}</p>");
            }

            RegionTable(map, explanation.RegionNames);
            _body.Append("</div>");
        }

        foreach (MethodFailure failure in explanation.Failures)
        {
            _body.Append(CultureInfo.InvariantCulture, $"<div class=\"method\"><h4>{E(failure.Method)}</h4><p><b>Not computed:</b> {E(CliConsole.Describe(failure.Error))}</p></div>");
        }

        _body.Append("</div>");
        Agreement(explanation);
        SimilarCases(explanation, figures.SimilarCases);
        Concepts(explanation);
        Metadata(explanation);
        Table("Parameters used", explanation.Parameters);
        _body.Append("<h3>Files</h3><ul>");
        foreach (string file in files)
        {
            _body.Append(CultureInfo.InvariantCulture, $"<li><a href=\"{E(file)}\">{E(file)}</a></li>");
        }

        _body.Append("</ul><p class=\"muted\">The NIfTI maps carry the scan's affine (qform = sform): open the scan in ITK-SNAP, 3D Slicer or FSLeyes and add a map as an overlay; it lines up voxel for voxel.</p></section>");
    }

    /// <summary>Adds an overview section (placed where it is added: call it before the scans for the top of the page).</summary>
    /// <param name="heading">Its heading.</param>
    /// <param name="items">One entry per line: plain text and the links that follow it.</param>
    public void AddOverview(string heading, IEnumerable<OverviewItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _body.Append(CultureInfo.InvariantCulture, $"<section><h2>{E(heading)}</h2><ul class=\"overview\">");
        foreach (OverviewItem item in items)
        {
            string links = string.Join(" · ", item.Links.Select(l => $"<a href=\"{E(l.Href)}\">{E(l.Text)}</a>"));
            _body.Append(CultureInfo.InvariantCulture, $"<li{(item.Emphasis ? " class=\"finding\"" : string.Empty)}>{E(item.Text)}{(links.Length > 0 ? " " + links : string.Empty)}</li>");
        }

        _body.Append("</ul></section>");
    }

    public void Save(string path) =>
        WritePage(path, Title, "Attribution maps show what the model used, not what is clinically true: a model can be right for the wrong reason. Patient identity fields are never read into this report.", _body.ToString());

    /// <summary>Writes a self-contained page in the reports' style: title, a note under it, then the body's HTML.</summary>
    public static void WritePage(string path, string title, string note, string body)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(title)}</title><style>{Style}</style></head><body><h1>{E(title)}</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Made by MedExplain. {E(note)}</p>");
        html.Append(body);
        html.Append("</body></html>");
        AtomicFile.WriteAllText(path, html.ToString());
    }

    private void Prediction(Explanation explanation)
    {
        if (explanation.Segmentation is { } segmentation)
        {
            Segmentation(explanation, segmentation);
            return;
        }

        _body.Append("<h3>Prediction</h3><table class=\"prediction\"><tr><th>class</th><th>probability</th><th></th><th>logit</th></tr>");
        float[] probabilities = explanation.Prediction.Probabilities;
        foreach (int c in Enumerable.Range(0, probabilities.Length).OrderByDescending(c => probabilities[c]))
        {
            bool top = c == explanation.Prediction.ClassIndex;
            _body.Append(CultureInfo.InvariantCulture, $"<tr{(top ? " class=\"top\"" : string.Empty)}><td>{E(explanation.ClassNames[c])}</td><td>{probabilities[c] * 100:0.0}%</td><td><div class=\"bar\" style=\"width:{probabilities[c] * 200:0}px\"></div></td><td>{explanation.Prediction.Logits[c]:0.###}</td></tr>");
        }

        _body.Append("</table>");
        if (explanation.Uncertainty is { } uncertainty)
        {
            _body.Append(CultureInfo.InvariantCulture, $"<p><b>How sure</b> ({E(uncertainty.Method)}): {E(PredictionText.Uncertainty(uncertainty.Measures, explanation.ClassNames))}.</p>");
        }

        if (explanation.ModelEvaluation.Count > 0)
        {
            _body.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Measured by whoever trained the model: {E(string.Join(", ", explanation.ModelEvaluation.Select(e => $"{e.Key} {e.Value:0.####}")))}.</p>");
        }
    }

    /// <summary>How alike the methods rank the voxels (asked for with the uncertainty).</summary>
    /// <summary>The plain-language summary, and each map's figures behind it.</summary>
    private void Brief(Explanation explanation)
    {
        if (explanation.Summary is not { } summary)
        {
            return;
        }

        _body.Append(CultureInfo.InvariantCulture, $"<h3>In brief</h3><p class=\"brief\">{E(summary.Text)}</p>");
        if (summary.Facts.Maps.Count == 0)
        {
            return;
        }

        _body.Append("<table class=\"kv\"><tr><th>method</th><th>largest region share</th><th>outside the atlas</th><th>in the lesion</th><th>on the confounder</th><th>top voxels deleted: probability</th></tr>");
        foreach (Pipelines.Summaries.MapFacts m in summary.Facts.Maps)
        {
            string region = m.Regions.Count > 0 ? $"{m.Regions[0].Name} {m.Regions[0].Percent}%" : "–";
            string deletion = m.Deletion is { } d ? $"{d.FractionPercent}%: {d.ClassName} {d.BeforePercent}% → {d.AfterPercent}%" : "–";
            _body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(m.Method)}</td><td>{E(region)}</td><td>{Share(m.OutsideRegionsPercent)}</td><td>{Share(m.LesionPercent)}</td><td>{(m.Confounder is { } c ? E($"{c.Name} {c.Percent}%") : "–")}</td><td>{E(deletion)}</td></tr>");
        }

        _body.Append("</table><p class=\"muted\">Shares of each map's positive relevance on the scan's grid. Deleting sets the map's top voxels of the model input to 0, as evaluation's deletion curve does; the facts are in the scan's -summary.json.</p>");
        static string Share(int? percent) => percent is { } p ? $"{p}%" : "–";
    }

    /// <summary>The indexed cases most like the scan, with where each is alike.</summary>
    private void SimilarCases(Explanation explanation, byte[]? figure)
    {
        if (explanation.SimilarCases is not { Cases.Count: > 0 } found)
        {
            return;
        }

        _body.Append(CultureInfo.InvariantCulture, $"<h3>Similar reference cases</h3><p class=\"muted\">The indexed cases nearest to this scan by the cosine similarity of the model's embedding at {E(found.Layer)}: what the model takes this scan to be like, not a diagnosis of it.</p><table class=\"kv\"><tr><th>rank</th><th>case</th><th>label</th><th>cosine</th></tr>");
        for (int i = 0; i < found.Cases.Count; i++)
        {
            Pipelines.Cases.SimilarCase c = found.Cases[i];
            _body.Append(CultureInfo.InvariantCulture, $"<tr><td>{i + 1}</td><td>{E(Path.GetFileName(c.Match.Case.Scan))}</td><td>{E(c.Match.Case.Label ?? "unlabelled")}</td><td>{c.Match.Similarity:0.0000}{(c.CaseMap is null ? " (scan moved or changed since indexed: no map)" : string.Empty)}</td></tr>");
        }

        _body.Append("</table>");
        if (figure is not null)
        {
            _body.Append(CultureInfo.InvariantCulture, $"<figure><img alt=\"similar cases\" src=\"{Png(figure)}\"><figcaption>Left: where the scan is like each case; middle: the case; right: where the case is like the scan, all on one colour scale. {E(SimilarCasesFigure.Caption(found))}</figcaption></figure>");
        }
    }

    private void Agreement(Explanation explanation)
    {
        if (explanation.Agreement.Count == 0)
        {
            return;
        }

        _body.Append(CultureInfo.InvariantCulture, $"<h3>Do the methods agree?</h3><p class=\"muted\">Spearman's rank correlation of each pair of maps' absolute values on the model's grid: 1, the same voxels in the same order; below {MethodAgreement.DisagreeBelow:0.0}, they disagree about where the evidence is.</p><table class=\"kv\"><tr><th>methods</th><th>ρ</th></tr>");
        foreach (MethodAgreement pair in explanation.Agreement)
        {
            _body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(pair.First)} and {E(pair.Second)}</td><td>{pair.RankCorrelation:0.00}{(pair.Disagree ? " <b>disagree</b>" : string.Empty)}</td></tr>");
        }

        _body.Append("</table>");
        if (explanation.Agreement.Any(p => p.Disagree))
        {
            _body.Append("<p><b>Warning:</b> some methods disagree strongly about where the evidence is: these maps may be unreliable; read them with the model's uncertainty above.</p>");
        }
    }

    /// <summary>The scan's concept scores from a CAV file: TCAV for one scan.</summary>
    private void Concepts(Explanation explanation)
    {
        if (explanation.Concepts is not { } concepts)
        {
            return;
        }

        string name = concepts.ClassName ?? $"class {concepts.TargetClass}";
        _body.Append(CultureInfo.InvariantCulture, $"<h3>Concepts</h3><p class=\"muted\">From {E(Path.GetFileName(concepts.File))}: for each concept, along how many of its CAVs (one per random set it was told apart from) this scan's <b>{E(name)}</b> logit rises, and the mean derivative. Most or all: the logit grows toward the concept at that layer; none: it falls. A sensitivity of this scan, not a finding in it.</p><table class=\"kv\"><tr><th>layer</th><th>concept</th><th>CAVs the logit rises along</th><th>mean derivative</th></tr>");
        foreach (MedExplain.Pipelines.Concepts.ScanConceptScore score in concepts.Scores)
        {
            _body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(score.Layer)}</td><td>{E(score.Concept)}</td><td>{score.Rising} of {score.Cavs}</td><td>{score.MeanDerivative:G3}</td></tr>");
        }

        _body.Append("</table>");
    }

    /// <summary>A segmentation model's prediction: each class's volume on the scan's grid, and the region the maps explain.</summary>
    private void Segmentation(Explanation explanation, SegmentationExplained segmentation)
    {
        _body.Append("<h3>Segmentation</h3><table class=\"prediction\"><tr><th>class</th><th>voxels</th><th>volume</th><th>mean probability in the explained region</th></tr>");
        foreach (ClassVolume volume in segmentation.OnScan.Volumes)
        {
            bool top = volume.Label == segmentation.Region;
            _body.Append(CultureInfo.InvariantCulture, $"<tr{(top ? " class=\"top\"" : string.Empty)}><td>{E(volume.Name)}</td><td>{volume.Voxels}</td><td>{volume.Millilitres:0.###} mL</td><td>{explanation.Prediction.Probabilities[volume.Label] * 100:0.0}%</td></tr>");
        }

        _body.Append(CultureInfo.InvariantCulture, $"</table><p class=\"muted\">The maps explain the sum of the model's scores for class <b>{E(explanation.ClassNames[segmentation.Region])}</b> over the voxels it assigns to that class{(segmentation.OnScan.SliceOnly is int k ? $" (a 2D model: slice {k} only)" : string.Empty)}; the labels and probabilities are written beside the maps as NIfTI.</p>");
    }

    /// <summary>The regions of a region-level method, highest score first (the 15 strongest).</summary>
    private void RegionTable(MethodMap map, IReadOnlyDictionary<int, string> names)
    {
        if (map.Regions is not { Count: > 0 } regions)
        {
            return;
        }

        _body.Append("<table class=\"kv\"><tr><th>region</th><th>name</th><th>score</th><th>std. error</th><th>voxels</th></tr>");
        foreach (MedExplain.Methods.RegionScore region in regions.OrderByDescending(r => r.Score).Take(15))
        {
            string error = region.StandardError is double e ? e.ToString("G4", CultureInfo.InvariantCulture) : "–";
            _body.Append(CultureInfo.InvariantCulture, $"<tr><td>{region.Label}</td><td>{E(names.GetValueOrDefault(region.Label, string.Empty))}</td><td>{region.Score:G4}</td><td>{error}</td><td>{region.Voxels}</td></tr>");
        }

        _body.Append("</table>");
    }

    private void Metadata(Explanation explanation)
    {
        MedicalImage scan = explanation.Input.Scan;
        ImageMetadata m = scan.Metadata;
        var rows = new Dictionary<string, string>
        {
            ["source"] = m.Source,
            ["format"] = m.Format + (m.TransferSyntax is null ? string.Empty : $" ({m.TransferSyntax})"),
            ["dims"] = string.Join(" × ", scan.Dims) + (scan.Channels > 1 ? $" × {scan.Channels}" : string.Empty),
            ["spacing (mm)"] = string.Join(" × ", scan.Spacing.Select(s => s.ToString("0.###", CultureInfo.InvariantCulture))),
            ["orientation"] = m.HasGeometry ? scan.Affine.AxisCodes : "none in the file (array order)",
            ["modality"] = m.Modality ?? "not given",
            ["data type"] = m.DataType,
        };
        if (m.Photometric is { } photometric)
        {
            rows["photometric"] = photometric;
        }

        if (m.Windows.Count > 0)
        {
            rows["windows"] = string.Join("; ", m.Windows.Select(w => $"{w.Center}/{w.Width}"));
        }

        foreach ((string key, string value) in m.Properties)
        {
            rows[key] = value;
        }

        rows["to the model"] = explanation.Input.Transform.Steps.Count == 0 ? "as it is" : string.Join("; ", explanation.Input.Transform.Steps);
        if (explanation.LesionMaskPath is { } mask)
        {
            rows["lesion mask"] = mask;
        }

        foreach ((string warning, int n) in m.Warnings.Select((w, n) => (w, n)))
        {
            rows[$"note {n + 1}"] = warning;
        }

        Table("Scan (identity fields are never read)", rows);
    }

    private void Table(string title, IReadOnlyDictionary<string, string> rows)
    {
        _body.Append(CultureInfo.InvariantCulture, $"<h3>{E(title)}</h3><table class=\"kv\">");
        foreach ((string key, string value) in rows)
        {
            _body.Append(CultureInfo.InvariantCulture, $"<tr><th>{E(key)}</th><td>{E(value)}</td></tr>");
        }

        _body.Append("</table>");
    }

    private static string Png(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    /// <summary>A PNG's width from its header (IHDR, bytes 16–19, big-endian).</summary>
    private static int PngWidth(byte[] png) => System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4));

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Style = """
        body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
        h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}h3{margin-top:1.5em}
        .muted{color:#666;font-size:.92em}img{image-rendering:pixelated}
        figure{margin:1em 0;overflow-x:auto}figcaption{color:#555;font-size:.9em;margin-top:.4em}
        table{border-collapse:collapse}td,th{padding:.25em .7em;text-align:left;vertical-align:top}
        .kv th{color:#555;font-weight:normal;white-space:nowrap}.kv tr:nth-child(odd){background:#f6f6f6}
        .prediction tr.top{font-weight:bold}.bar{height:.8em;background:#c8102e;border-radius:2px}
        .methods{display:flex;flex-wrap:wrap;gap:1em}.method{flex:1 0 auto;max-width:100%;box-sizing:border-box;overflow-x:auto;border:1px solid #e3e3e3;border-radius:6px;padding:.6em}
        .overview li{margin:.3em 0}.overview li.finding{font-weight:bold}
        .method h4{margin:.2em 0 .5em}.plots{display:flex;flex-wrap:wrap;gap:1em}
        """;
}
