using MedExplain.Studies;

namespace MedExplain.Pipelines.Studies;

/// <summary>One method's ratings.</summary>
/// <param name="Method">The method.</param>
/// <param name="Ratings">How many ratings it got.</param>
/// <param name="Median">Their median with a 95% percentile-bootstrap interval.</param>
/// <param name="Mean">Their mean.</param>
public sealed record MethodRatings(string Method, int Ratings, MedianInterval Median, double Mean);

/// <summary>Two methods compared on the (rater, case) pairs that rated both.</summary>
/// <param name="First">One method.</param>
/// <param name="Second">The other.</param>
/// <param name="Pairs">How many (rater, case) pairs rated both.</param>
/// <param name="MedianDifference">The median of first − second over those pairs.</param>
/// <param name="Test">Wilcoxon's signed-rank test; W 0 and p 1 when the two never differ (or no pair rated both).</param>
/// <param name="HolmP">Its p-value after Holm's correction over every pair.</param>
public sealed record MethodComparison(string First, string Second, int Pairs, double MedianDifference, TestResult Test, double HolmP);

/// <summary>How much the raters agree, over the (case, method) items they rated.</summary>
/// <param name="Raters">How many raters.</param>
/// <param name="Items">How many (case, method) items were rated by two or more.</param>
/// <param name="AlphaOrdinal">Krippendorff's α, ordinal (the level of a Likert scale).</param>
/// <param name="AlphaInterval">Krippendorff's α, interval.</param>
/// <param name="AlphaNominal">Krippendorff's α, nominal.</param>
/// <param name="FleissKappa">Fleiss' κ over the items every rater rated (scores as categories), or null when none was.</param>
/// <param name="FleissItems">How many items κ covers.</param>
public sealed record RaterAgreement(int Raters, int Items, double AlphaOrdinal, double AlphaInterval, double AlphaNominal, double? FleissKappa, int FleissItems);

/// <summary>What a reader study found.</summary>
/// <param name="Ratings">How many ratings.</param>
/// <param name="Methods">Each method's ratings, highest median first.</param>
/// <param name="Friedman">Friedman's test across the methods over the (rater, case) pairs that rated all of them, or
/// null when fewer than three methods or two such pairs.</param>
/// <param name="FriedmanBlocks">How many (rater, case) pairs the Friedman test used.</param>
/// <param name="Comparisons">Every pair of methods.</param>
/// <param name="Agreement">Inter-rater agreement, or null with a single rater.</param>
public sealed record StudyAnalysisResult(int Ratings, IReadOnlyList<MethodRatings> Methods, TestResult? Friedman, int FriedmanBlocks, IReadOnlyList<MethodComparison> Comparisons, RaterAgreement? Agreement);

/// <summary>The analysis behind <c>medexplain study analyze</c>: per-method medians with bootstrap intervals, Friedman
/// across methods, Wilcoxon signed-rank with Holm's correction between each pair, and inter-rater agreement.</summary>
public static class StudyAnalysis
{
    /// <summary>Analyses ratings. A rater who rated one (case, method) twice counts with the later rating.</summary>
    /// <param name="ratings">The ratings.</param>
    /// <param name="seed">The bootstrap's seed.</param>
    /// <exception cref="MedExplainParameterException">No ratings.</exception>
    public static StudyAnalysisResult Of(IReadOnlyList<Rating> ratings, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        if (ratings.Count == 0)
        {
            throw new MedExplainParameterException("ratings", "hold nothing to analyse.");
        }

        // The last rating of each (rater, case, method) stands.
        var score = new Dictionary<(string Rater, string Case, string Method), double>();
        foreach (Rating r in ratings)
        {
            score[(r.Rater, r.Case, r.Method)] = r.Score;
        }

        string[] methods = [.. score.Keys.Select(k => k.Method).Distinct().Order(StringComparer.Ordinal)];
        (string Rater, string Case)[] blocks = [.. score.Keys.Select(k => (k.Rater, k.Case)).Distinct().OrderBy(b => b.Rater, StringComparer.Ordinal).ThenBy(b => b.Case, StringComparer.Ordinal)];
        MethodRatings[] perMethod = [.. methods.Select(m =>
        {
            double[] values = [.. score.Where(p => p.Key.Method == m).Select(p => p.Value)];
            return new MethodRatings(m, values.Length, Bootstrap.Median(values, seed: seed), values.Average());
        }).OrderByDescending(m => m.Median.Median).ThenByDescending(m => m.Mean).ThenBy(m => m.Method, StringComparer.Ordinal)];

        double[][] complete = [.. blocks.Where(b => methods.All(m => score.ContainsKey((b.Rater, b.Case, m)))).Select(b => methods.Select(m => score[(b.Rater, b.Case, m)]).ToArray())];
        TestResult? friedman = methods.Length >= 3 && complete.Length >= 2 ? RankTests.Friedman(complete) : null;

        var pairs = new List<(string A, string B, double[] X, double[] Y)>();
        for (int a = 0; a < methods.Length; a++)
        {
            for (int b = a + 1; b < methods.Length; b++)
            {
                (string, string)[] both = [.. blocks.Where(k => score.ContainsKey((k.Rater, k.Case, methods[a])) && score.ContainsKey((k.Rater, k.Case, methods[b])))];
                pairs.Add((methods[a], methods[b], [.. both.Select(k => score[(k.Item1, k.Item2, methods[a])])], [.. both.Select(k => score[(k.Item1, k.Item2, methods[b])])]));
            }
        }

        TestResult?[] tests = [.. pairs.Select(p => p.X.Zip(p.Y).Any(v => v.First != v.Second) ? RankTests.Wilcoxon(p.X, p.Y) : null)];
        double[] holm = RankTests.Holm([.. tests.Select(t => t?.P ?? 1)]);
        MethodComparison[] comparisons = [.. pairs.Select((p, i) => new MethodComparison(p.A, p.B, p.X.Length, Bootstrap.SampleMedian([.. p.X.Zip(p.Y, (x, y) => x - y)]), tests[i] ?? new TestResult(0, 1, Exact: true), holm[i]))];

        return new StudyAnalysisResult(score.Count, perMethod, friedman, complete.Length, comparisons, RaterAgreementOf(score));
    }

    private static RaterAgreement? RaterAgreementOf(Dictionary<(string Rater, string Case, string Method), double> score)
    {
        string[] raters = [.. score.Keys.Select(k => k.Rater).Distinct().Order(StringComparer.Ordinal)];
        (string Case, string Method)[] items = [.. score.Keys.Select(k => (k.Case, k.Method)).Distinct().Where(i => raters.Count(r => score.ContainsKey((r, i.Case, i.Method))) >= 2)];
        if (raters.Length < 2 || items.Length == 0)
        {
            return null;
        }

        double?[][] matrix = [.. raters.Select(r => items.Select(i => score.TryGetValue((r, i.Case, i.Method), out double v) ? v : (double?)null).ToArray())];
        double[] categories = [.. score.Values.Distinct().Order()];
        int[][] everyRater = [.. items.Where(i => raters.All(r => score.ContainsKey((r, i.Case, i.Method))))
            .Select(i => categories.Select(c => raters.Count(r => score[(r, i.Case, i.Method)] == c)).ToArray())];
        return new RaterAgreement(
            raters.Length,
            items.Length,
            Agreement.KrippendorffAlpha(matrix, MeasurementLevel.Ordinal),
            Agreement.KrippendorffAlpha(matrix, MeasurementLevel.Interval),
            Agreement.KrippendorffAlpha(matrix, MeasurementLevel.Nominal),
            everyRater.Length > 0 ? Agreement.FleissKappa(everyRater) : null,
            everyRater.Length);
    }
}
