using MedExplain.Pipelines;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using MedExplain.Cli.Reports;

namespace MedExplain.Cli.Evaluation;

/// <summary>Writes an evaluation: metrics.csv, metrics.json, the console table of means, and report.html with plots.</summary>
internal static class EvaluationOutput
{
    public static void WriteFiles(EvaluationResult result, string folder)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, "metrics.csv"), "scan,method,metric,value\n" + string.Concat(result.Values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{Csv(v.Scan)},{v.Method},{v.Metric},{v.Value:R}\n"))));
        AtomicFile.WriteAllText(Path.Combine(folder, "metrics.json"), JsonSerializer.Serialize(
            new
            {
                values = result.Values.Select(v => new { scan = v.Scan, method = v.Method, metric = v.Metric, value = v.Value }),
                curves = result.Curves.Select(c => new { method = c.Method, metric = c.Metric, meanScores = c.Scores }),
                findings = result.Findings.Select(f => new { kind = f.Kind, text = f.Text, numbers = f.Numbers }),
                uncertainty = result.UncertaintyMethod is null ? null : new { method = result.UncertaintyMethod, scans = result.Uncertainty.Select(u => new { scan = u.Scan, measures = u.Measures }) },
            },
            JsonOutput.Options));
    }

    /// <summary>The mean of each metric and method over the scans ("-" where a metric did not apply), a row per metric.</summary>
    public static void WriteTable(TextWriter w, EvaluationResult result, EvaluationSettings settings)
    {
        int width = Math.Max(12, settings.Methods.Max(m => m.Length));
        var header = new StringBuilder($"{"metric",-22} {"better",-12}");
        foreach (string method in settings.Methods)
        {
            header.Append(' ').Append(method.PadLeft(width));
        }

        w.WriteLine("mean over scans:");
        w.WriteLine(header);
        foreach (IMetric metric in settings.Metrics)
        {
            var line = new StringBuilder($"{metric.Name,-22} {Better(metric),-12}");
            foreach (string method in settings.Methods)
            {
                double[] values = Values(result, method, metric.Name);
                line.Append(' ').Append((values.Length == 0 ? "-" : values.Average().ToString("G4", CultureInfo.InvariantCulture)).PadLeft(width));
            }

            w.WriteLine(line);
        }

        if (result.Values.Any(v => v.Metric == EvaluationRun.StabilityMetric))
        {
            var line = new StringBuilder($"{EvaluationRun.StabilityMetric,-22} {"higher",-12}");
            foreach (string method in settings.Methods)
            {
                double[] values = Values(result, method, EvaluationRun.StabilityMetric);
                line.Append(' ').Append((values.Length == 0 ? "-" : values.Average().ToString("G4", CultureInfo.InvariantCulture)).PadLeft(width));
            }

            w.WriteLine(line);
        }

        if (result.UncertaintyMethod is { } how)
        {
            w.WriteLine($"how sure the model is ({how}; nats):");
            foreach (ScanCertainty scan in result.Uncertainty)
            {
                w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {scan.Scan}: predictive entropy {scan.Measures.PredictiveEntropy:0.####}, mutual information {scan.Measures.MutualInformation:0.####}"));
            }
        }
    }

    /// <summary>A self-contained HTML report: what was run, the table of means with which way is better, the mean
    /// deletion/insertion curves, and each metric's spread over the scans per method.</summary>
    public static string WriteReport(EvaluationResult result, EvaluationSettings settings, string title, IReadOnlyDictionary<string, string> parameters, string folder)
    {
        var html = new StringBuilder();
        if (result.Findings.Count > 0)
        {
            html.Append("<h2>Findings</h2>");
            foreach (Finding finding in result.Findings)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p><b>{E(finding.Kind)}:</b> {E(finding.Text)}</p>");
            }
        }

        if (result.UncertaintyMethod is { } how)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>How sure the model is</h2><p class=\"muted\">{E(how)}. Entropies in nats; mutual information is the part of the uncertainty that comes from the model itself (0: the samples agree).</p><table class=\"kv\"><tr><th>scan</th><th>predictive entropy</th><th>expected entropy</th><th>mutual information</th></tr>");
            foreach (ScanCertainty scan in result.Uncertainty)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(scan.Scan)}</td><td>{scan.Measures.PredictiveEntropy:0.####}</td><td>{scan.Measures.ExpectedEntropy:0.####}</td><td>{scan.Measures.MutualInformation:0.####}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("<h2>Means over the scans</h2><table class=\"kv\"><tr><th>metric</th><th>better</th>");
        foreach (string method in settings.Methods)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{E(method)}</th>");
        }

        html.Append("<th>what it measures</th></tr>");
        foreach (IMetric metric in settings.Metrics)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(metric.Name)}</td><td>{E(Better(metric))}</td>");
            foreach (string method in settings.Methods)
            {
                double[] values = Values(result, method, metric.Name);
                html.Append(values.Length == 0 ? "<td>–</td>" : string.Create(CultureInfo.InvariantCulture, $"<td>{values.Average():G4} <span class=\"muted\">± {Sd(values):G2} (n {values.Length})</span></td>"));
            }

            html.Append(CultureInfo.InvariantCulture, $"<td class=\"muted\">{E(metric.Description)}</td></tr>");
        }

        html.Append("</table>");
        string[] curveMetrics = [.. result.Curves.Select(c => c.Metric).Distinct().Where(m => m != "sensitivity-n")];
        if (curveMetrics.Length > 0)
        {
            html.Append("<h2>Perturbation curves</h2><p class=\"muted\">The explained class's score (logit) as features are changed in the order each method ranks them, averaged over the scans.</p><div class=\"plots\">");
            foreach (string metric in curveMetrics)
            {
                html.Append(CultureInfo.InvariantCulture, $"<figure>{SvgChart.Lines($"fraction of features ({metric})", "score", [.. result.Curves.Where(c => c.Metric == metric).Select(c => (c.Method, c.Scores))])}<figcaption>{E(metric)}: {E(settings.Metrics.First(m => m.Name == metric).Description)}</figcaption></figure>");
            }

            html.Append("</div>");
        }

        if (result.Curves.Any(c => c.Metric == "sensitivity-n"))
        {
            string low = $"n = {EvaluationRun.SensitivityFractions[0]:0.#%}", high = $"n = {EvaluationRun.SensitivityFractions[^1]:0.#%}";
            html.Append(CultureInfo.InvariantCulture, $"<h2>Sensitivity-n</h2><figure>{SvgChart.Lines("subset size (log scale)", "correlation", [.. result.Curves.Where(c => c.Metric == "sensitivity-n").Select(c => (c.Method, c.Scores))], low, high)}<figcaption>Mean correlation at each subset size n: how well sums of the map predict the effect of removing n features.</figcaption></figure>");
        }

        html.Append("<h2>Distributions over the scans</h2><p class=\"muted\">One dot per scan, the bar at the mean.</p><div class=\"plots\">");
        foreach (IMetric metric in settings.Metrics)
        {
            (string, double[])[] groups = [.. settings.Methods.Select(m => (m, Values(result, m, metric.Name))).Where(g => g.Item2.Length > 0)];
            if (groups.Length > 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<figure>{SvgChart.Strips(metric.Name, groups)}<figcaption>{E(metric.Name)} ({E(metric.Better == MetricDirection.Context ? "for context" : Better(metric) + " is better")})</figcaption></figure>");
            }
        }

        html.Append("</div><h2>Parameters</h2><table class=\"kv\">");
        foreach ((string key, string value) in parameters)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th>{E(key)}</th><td>{E(value)}</td></tr>");
        }

        html.Append("</table><p class=\"muted\">Per-scan values: metrics.csv and metrics.json beside this report.</p>");
        string path = Path.Combine(folder, "report.html");
        HtmlReport.WritePage(path, title, "Each metric tests one property of a map; none alone says a map is right. Read faithfulness (does the map track the model?) apart from localisation (does it point at the lesion?): a model that learned a shortcut gives faithful maps that miss the lesion.", html.ToString());
        return path;
    }

    private static double[] Values(EvaluationResult result, string method, string metric) =>
        [.. result.Values.Where(v => v.Method == method && v.Metric == metric).Select(v => v.Value)];

    private static double Sd(double[] values)
    {
        double mean = values.Average();
        return values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    private static string Csv(string text) => text.Contains(',', StringComparison.Ordinal) || text.Contains('"', StringComparison.Ordinal) ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Which way is better, in words.</summary>
    private static string Better(IMetric metric) => metric.Better switch
    {
        MetricDirection.Higher => "higher",
        MetricDirection.Lower => "lower",
        MetricDirection.TowardZero => "closer to 0",
        _ => "context",
    };
}
