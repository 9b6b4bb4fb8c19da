using System.Globalization;
using MedExplain.Pipelines.Studies;

namespace MedExplain.Server;

/// <summary>The study's analysis for its coordinators: what <c>medexplain study analyze</c> prints, over the ratings so
/// far, and the human benchmark (each method's maps against the raters' drawings). Raters never see it: they see only
/// their own ratings.</summary>
internal static class AnalysisPage
{
    public static string Body(StudyDesign design, IReadOnlyList<Rating> ratings, IReadOnlyList<MethodAgainstExperts> benchmark)
    {
        if (ratings.Count == 0)
        {
            return "<p>No ratings yet.</p>";
        }

        StudyAnalysisResult result = StudyAnalysis.Of(ratings, design.Seed);
        string Control(string method) => design.Controls.Contains(method) ? " (control)" : string.Empty;
        string methods = string.Concat(result.Methods.Select(m =>
            $"<tr><td>{Html.Text(m.Method + Control(m.Method))}</td><td class=\"number\">{m.Ratings}</td><td class=\"number\">{N(m.Median.Median)} [{N(m.Median.Low)}, {N(m.Median.High)}]</td><td class=\"number\">{N(m.Mean)}</td></tr>"));
        string comparisons = string.Concat(result.Comparisons.Select(c =>
            $"<tr><td>{Html.Text(c.First)} vs {Html.Text(c.Second)}</td><td class=\"number\">{c.Pairs}</td><td class=\"number\">{N(c.MedianDifference)}</td><td class=\"number\">{N(c.Test.Statistic)}</td><td class=\"number\">{P(c.Test.P)}</td><td class=\"number\">{P(c.HolmP)}</td></tr>"));
        string friedman = result.Friedman is { } f
            ? $"<p>Friedman across methods ({result.FriedmanBlocks} rater-case pairs that rated all): χ² = {N(f.Statistic)}, p = {P(f.P)}.</p>"
            : "<p>Friedman's test needs three methods or more, each rated by two or more rater-case pairs that rated all.</p>";
        string agreement = result.Agreement is { } a
            ? $"<p>Agreement of {a.Raters} raters over {a.Items} items: Krippendorff's α ordinal {N(a.AlphaOrdinal)}, interval {N(a.AlphaInterval)}, nominal {N(a.AlphaNominal)}; Fleiss' κ {(a.FleissKappa is { } k ? $"{N(k)} over {a.FleissItems} items every rater rated" : "not defined (no item rated by all)")}.</p>"
            : "<p>Agreement needs two raters or more.</p>";
        string human = benchmark.Count == 0
            ? "<p>No drawings yet.</p>"
            : $"""
              <table class="cases"><thead><tr><th>Method</th><th>Drawings</th><th>Pointing game</th><th>Relevance mass</th><th>Relevance rank</th><th>IoU (top 5%)</th></tr></thead><tbody>
              {string.Concat(benchmark.Select(b => $"<tr><td>{Html.Text(b.Method + Control(b.Method))}</td><td class=\"number\">{b.Drawings}</td><td class=\"number\">{N(b.PointingGame)}</td><td class=\"number\">{N(b.RelevanceMass)}</td><td class=\"number\">{N(b.RelevanceRank)}</td><td class=\"number\">{N(b.Iou)}</td></tr>"))}
              </tbody></table>
              """;
        return $"""
            <p>{result.Ratings} ratings of {result.Methods.Count} methods on the scale {design.ScaleMin} to {design.ScaleMax}. Medians with 95% bootstrap intervals (seed {design.Seed}).</p>
            <table class="cases" id="methods"><thead><tr><th>Method</th><th>Ratings</th><th>Median [95% CI]</th><th>Mean</th></tr></thead><tbody>{methods}</tbody></table>
            {friedman}
            <h2>Pairs of methods</h2>
            <table class="cases"><thead><tr><th>Pair</th><th>Rater-case pairs</th><th>Median difference</th><th>Wilcoxon W</th><th>p</th><th>p (Holm)</th></tr></thead><tbody>{comparisons}</tbody></table>
            {agreement}
            <h2>Maps against the raters' drawings (the human benchmark)</h2>
            {human}
            """;
    }

    private static string N(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string P(double p) => p < 0.001 ? "&lt; 0.001" : p.ToString("0.###", CultureInfo.InvariantCulture);
}
