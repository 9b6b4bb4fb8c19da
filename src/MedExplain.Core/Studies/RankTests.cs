using MedExplain.Metrics;

namespace MedExplain.Studies;

/// <summary>A test's statistic and two-sided p-value.</summary>
/// <param name="Statistic">The statistic (Friedman's χ², Wilcoxon's smaller rank sum).</param>
/// <param name="P">The p-value.</param>
/// <param name="Exact">Whether the p-value comes from the exact distribution rather than an approximation.</param>
public sealed record TestResult(double Statistic, double P, bool Exact);

/// <summary>The rank tests of a reader study: Friedman across methods rated on the same cases, Wilcoxon's signed-rank
/// test between two methods, and Holm's correction of several p-values. They follow SciPy's <c>friedmanchisquare</c>
/// and <c>wilcoxon</c> (zero differences dropped, no continuity correction).</summary>
public static class RankTests
{
    /// <summary>Up to this many non-zero differences without ties, Wilcoxon's p-value is exact.</summary>
    public const int ExactWilcoxonUpTo = 50;

    /// <summary>Friedman's test: do the methods' ratings differ, case by case? χ² of the within-case ranks (ties
    /// averaged, with the tie correction), on methods − 1 degrees of freedom.</summary>
    /// <param name="ratings">One row per case (block), one column per method; three or more methods, two or more cases.</param>
    /// <exception cref="MedExplainParameterException">Too few cases or methods, or rows of different lengths.</exception>
    public static TestResult Friedman(IReadOnlyList<double[]> ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        int n = ratings.Count, k = n > 0 ? ratings[0].Length : 0;
        if (n < 2 || k < 3 || ratings.Any(r => r.Length != k))
        {
            throw new MedExplainParameterException("ratings", $"need two or more cases each rating the same three or more methods, not {n} cases of {k}.");
        }

        double[] rankSums = new double[k];
        double ties = 0;
        foreach (double[] row in ratings)
        {
            (double[] ranks, double rowTies) = Ranking.Of(row);
            ties += rowTies;
            for (int j = 0; j < k; j++)
            {
                rankSums[j] += ranks[j];
            }
        }

        double chi = (12.0 / (n * k * (k + 1)) * rankSums.Sum(r => r * r)) - (3.0 * n * (k + 1));
        double correction = 1 - (ties / (n * k * ((k * k) - 1.0)));
        chi = correction > 0 ? chi / correction : 0;
        return new TestResult(chi, SpecialFunctions.ChiSquareSurvival(chi, k - 1), Exact: false);
    }

    /// <summary>Wilcoxon's signed-rank test of paired ratings, two-sided: the smaller of the positive and negative
    /// differences' rank sums. Zero differences are dropped; with up to <see cref="ExactWilcoxonUpTo"/> differences and
    /// no ties the p-value is exact, else from the normal approximation with the tie correction.</summary>
    /// <param name="first">One method's ratings.</param>
    /// <param name="second">The other's, on the same cases.</param>
    /// <exception cref="MedExplainParameterException">Different lengths, or no non-zero difference.</exception>
    public static TestResult Wilcoxon(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Count != second.Count)
        {
            throw new MedExplainParameterException("ratings", $"need paired ratings, not {first.Count} and {second.Count}.");
        }

        double[] differences = [.. first.Zip(second, (a, b) => a - b).Where(d => d != 0)];
        int n = differences.Length;
        if (n == 0)
        {
            throw new MedExplainParameterException("ratings", "differ on no case: there is nothing to test.");
        }

        (double[] ranks, double ties) = Ranking.Of([.. differences.Select(Math.Abs)]);
        double positive = differences.Select((d, i) => d > 0 ? ranks[i] : 0).Sum();
        double statistic = Math.Min(positive, (n * (n + 1) / 2.0) - positive);
        if (n <= ExactWilcoxonUpTo && ties == 0)
        {
            return new TestResult(statistic, Math.Min(1, 2 * ExactLowerTail(n, (int)statistic)), Exact: true);
        }

        double mean = n * (n + 1) / 4.0;
        double variance = ((n * (n + 1) * ((2.0 * n) + 1)) - (ties / 2)) / 24;
        return new TestResult(statistic, SpecialFunctions.NormalTwoSided((statistic - mean) / Math.Sqrt(variance)), Exact: false);
    }

    /// <summary>Holm's step-down correction: each p-value multiplied by how many are not smaller, kept monotone, at most 1.</summary>
    /// <param name="p">The p-values of the family.</param>
    public static double[] Holm(IReadOnlyList<double> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        int[] order = [.. Enumerable.Range(0, p.Count).OrderBy(i => p[i])];
        var adjusted = new double[p.Count];
        double running = 0;
        for (int r = 0; r < order.Length; r++)
        {
            running = Math.Max(running, Math.Min(1, (order.Length - r) * p[order[r]]));
            adjusted[order[r]] = running;
        }

        return adjusted;
    }

    /// <summary>P(W⁺ ≤ t) for n differences under the null: every sign pattern equally likely, counted by the sums they give.</summary>
    private static double ExactLowerTail(int n, int t)
    {
        int max = n * (n + 1) / 2;
        var counts = new double[max + 1];
        counts[0] = 1;
        for (int rank = 1; rank <= n; rank++)
        {
            for (int s = max; s >= rank; s--)
            {
                counts[s] += counts[s - rank];
            }
        }

        return counts.Take(t + 1).Sum() / Math.Pow(2, n);
    }
}
