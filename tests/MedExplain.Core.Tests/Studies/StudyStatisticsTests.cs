using System.Text.Json;
using MedExplain.Studies;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Studies;

/// <summary>Reader-study statistics against published answers (Fleiss 1971; Krippendorff's example) and the peers run
/// on the same data: the fast-krippendorff package and SciPy (tools/peers/study_statistics.py).</summary>
public sealed class StudyStatisticsTests
{
    private static readonly JsonElement Peers = JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("peers/study-statistics.json"))).RootElement;

    [Fact]
    public void FleissKappa_OfFlessSTable_IsThePublished0_20993()
    {
        // Fleiss (1971): 10 subjects, 14 raters each, 5 categories.
        int[][] counts =
        [
            [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
        ];

        Assert.Equal(0.20993, Agreement.FleissKappa(counts), 5);
    }

    [Fact]
    public void KrippendorffAlpha_OfThePublishedExample_Is0_691Nominal_And0_811Interval()
    {
        double?[][] ratings = Ratings(Peers.GetProperty("alpha")[0].GetProperty("data"));

        Assert.Equal(0.691, Agreement.KrippendorffAlpha(ratings, MeasurementLevel.Nominal), 3);
        Assert.Equal(0.811, Agreement.KrippendorffAlpha(ratings, MeasurementLevel.Interval), 3);
    }

    [Fact]
    public void KrippendorffAlpha_AtEveryLevel_EqualsThePeer()
    {
        foreach (JsonElement example in Peers.GetProperty("alpha").EnumerateArray())
        {
            double?[][] ratings = Ratings(example.GetProperty("data"));
            foreach ((MeasurementLevel level, string name) in new[] { (MeasurementLevel.Nominal, "nominal"), (MeasurementLevel.Ordinal, "ordinal"), (MeasurementLevel.Interval, "interval"), (MeasurementLevel.Ratio, "ratio") })
            {
                Assert.True(
                    Math.Abs(example.GetProperty("alpha").GetProperty(name).GetDouble() - Agreement.KrippendorffAlpha(ratings, level)) < 1e-9,
                    $"{example.GetProperty("name").GetString()}, {name}: peer {example.GetProperty("alpha").GetProperty(name).GetDouble()}, ours {Agreement.KrippendorffAlpha(ratings, level)}");
            }
        }
    }

    [Fact]
    public void Friedman_EqualsSciPy()
    {
        foreach (JsonElement example in Peers.GetProperty("friedman").EnumerateArray())
        {
            double[][] data = [.. example.GetProperty("data").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())];

            TestResult result = RankTests.Friedman(data);

            Assert.Equal(example.GetProperty("statistic").GetDouble(), result.Statistic, 9);
            Assert.True(Math.Abs(example.GetProperty("p").GetDouble() - result.P) < 1e-9 * Math.Max(1, 1 / result.P), $"p: SciPy {example.GetProperty("p").GetDouble()}, ours {result.P}");
        }
    }

    [Fact]
    public void Wilcoxon_ExactAndApproximate_EqualsSciPy()
    {
        foreach (JsonElement example in Peers.GetProperty("wilcoxon").EnumerateArray())
        {
            double[] x = [.. example.GetProperty("x").EnumerateArray().Select(v => v.GetDouble())];
            double[] y = [.. example.GetProperty("y").EnumerateArray().Select(v => v.GetDouble())];

            TestResult result = RankTests.Wilcoxon(x, y);

            Assert.Equal(example.GetProperty("method").GetString() == "exact", result.Exact);
            Assert.Equal(example.GetProperty("statistic").GetDouble(), result.Statistic, 9);
            Assert.True(Math.Abs(example.GetProperty("p").GetDouble() - result.P) < 1e-9, $"p: SciPy {example.GetProperty("p").GetDouble()}, ours {result.P}");
        }
    }

    [Fact]
    public void Holm_MultipliesByTheRankFromTheEnd_AndStaysMonotone()
    {
        // m = 4: sorted 0.01, 0.02, 0.03, 0.04 become 0.04, 0.06, 0.06 (monotone, not 0.06 → 0.06), 0.06.
        double[] adjusted = RankTests.Holm([0.03, 0.01, 0.04, 0.02]);

        Assert.Equal([0.06, 0.04, 0.06, 0.06], adjusted.Select(p => Math.Round(p, 12)));
        Assert.Equal([1.0, 1.0], RankTests.Holm([0.6, 0.9]));
    }

    [Fact]
    public void BootstrapMedian_IsSeeded_CoversTheMedian_AndHasTheWidthTheoryGives()
    {
        var rng = new Random(8);
        double[] normal = [.. Enumerable.Range(0, 400).Select(_ => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))];

        MedianInterval interval = Bootstrap.Median(normal, seed: 3);

        Assert.Equal(interval, Bootstrap.Median(normal, seed: 3));
        Assert.InRange(interval.Median, interval.Low, interval.High);
        // The median's standard error for N(0, 1) is √(π/2)/√n ≈ 0.0627: a 95% interval about 0.25 wide.
        Assert.InRange(interval.High - interval.Low, 0.17, 0.33);
        Assert.Equal(new MedianInterval(4, 4, 4), Bootstrap.Median([4, 4, 4, 4]));
    }

    private static double?[][] Ratings(JsonElement data) =>
        [.. data.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble()).ToArray())];
}
