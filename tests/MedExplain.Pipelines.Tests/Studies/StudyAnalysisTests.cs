using System.Text.Json;
using MedExplain.Pipelines.Studies;
using MedExplain.Studies;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests.Studies;

/// <summary>A reader study's analysis from its exported ratings: the published agreement values through the whole path,
/// the tests on the blocks they should use, and ratings files read or refused line by line.</summary>
public sealed class StudyAnalysisTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Agreement_OfKrippendorffsExampleAsRatings_IsThePublishedAlpha()
    {
        // Coders as raters, units as cases, one method: α nominal 0.691, interval 0.811.
        JsonElement data = JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("peers/study-statistics.json"))).RootElement.GetProperty("alpha")[0].GetProperty("data");
        Rating[] ratings = [.. data.EnumerateArray().SelectMany((coder, r) => coder.EnumerateArray().Select((v, u) => (v, u))
            .Where(p => p.v.ValueKind != JsonValueKind.Null).Select(p => new Rating($"coder-{r}", $"unit-{p.u:00}", "map", p.v.GetDouble())))];

        RaterAgreement agreement = StudyAnalysis.Of(ratings).Agreement!;

        Assert.Equal(3, agreement.Raters);
        Assert.Equal(0.691, agreement.AlphaNominal, 3);
        Assert.Equal(0.811, agreement.AlphaInterval, 3);
    }

    [Fact]
    public void Tests_UseTheBlocksThatRatedTheirMethods_AndALaterRatingReplacesAnEarlier()
    {
        var rng = new Random(4);
        var ratings = new List<Rating>();
        foreach (string rater in new[] { "r1", "r2", "r3" })
        {
            for (int c = 0; c < 8; c++)
            {
                ratings.Add(new Rating(rater, $"c{c}", "a", rng.Next(3, 6)));
                ratings.Add(new Rating(rater, $"c{c}", "b", rng.Next(2, 5)));
                if (c != 0)
                {
                    ratings.Add(new Rating(rater, $"c{c}", "control", rng.Next(1, 3))); // c0 lacks the control
                }
            }
        }

        ratings.Add(new Rating("r1", "c1", "a", 1)); // r1 changed their mind about (c1, a)

        StudyAnalysisResult analysis = StudyAnalysis.Of(ratings);

        double Score(string rater, string c, string method) => ratings.Last(r => r.Rater == rater && r.Case == c && r.Method == method).Score;
        (string Rater, string Case)[] complete = [.. from r in new[] { "r1", "r2", "r3" } from c in Enumerable.Range(1, 7) select (r, $"c{c}")];
        double[][] matrix = [.. complete.Select(b => new[] { Score(b.Rater, b.Case, "a"), Score(b.Rater, b.Case, "b"), Score(b.Rater, b.Case, "control") })];
        Assert.Equal(RankTests.Friedman(matrix), analysis.Friedman);
        Assert.Equal(21, analysis.FriedmanBlocks);
        Assert.Equal(3 * 8 * 3 - 3, analysis.Ratings);

        MethodComparison ab = analysis.Comparisons.Single(c => c.First == "a" && c.Second == "b");
        (string Rater, string Case)[] pairs = [.. from r in new[] { "r1", "r2", "r3" } from c in Enumerable.Range(0, 8) select (r, $"c{c}")];
        Assert.Equal(24, ab.Pairs);
        Assert.Equal(RankTests.Wilcoxon([.. pairs.Select(p => Score(p.Rater, p.Case, "a"))], [.. pairs.Select(p => Score(p.Rater, p.Case, "b"))]), ab.Test);
        Assert.Equal(RankTests.Holm([.. analysis.Comparisons.Select(c => c.Test.P)]), analysis.Comparisons.Select(c => c.HolmP));
        Assert.Equal("control", analysis.Methods[^1].Method);
    }

    [Fact]
    public void RatingsFile_ReadsQuotedCsvAndJson_AndRefusesBrokenLinesByNumber()
    {
        File.WriteAllText(_temp.File("ok.csv"), "case,comment,rater,method,rating\nc1,\"fine, \"\"mostly\"\"\",r1,gradient,4\nc1,,r2,gradient,3.5\n");
        File.WriteAllText(_temp.File("ok.json"), "[{\"rater\":\"r1\",\"case\":\"c1\",\"method\":\"lrp\",\"rating\":5}]");
        File.WriteAllText(_temp.File("no-method.csv"), "rater,case,rating\nr1,c1,3\n");
        File.WriteAllText(_temp.File("bad-number.csv"), "rater,case,method,rating\nr1,c1,m,4\nr1,c2,m,four\n");

        Assert.Equal([new Rating("r1", "c1", "gradient", 4), new Rating("r2", "c1", "gradient", 3.5)], RatingsFile.Read(_temp.File("ok.csv")));
        Assert.Equal([new Rating("r1", "c1", "lrp", 5)], RatingsFile.Read(_temp.File("ok.json")));
        Assert.Contains("lacks method", Assert.Throws<MedExplainInputException>(() => RatingsFile.Read(_temp.File("no-method.csv"))).Message, StringComparison.Ordinal);
        Assert.Contains("line 3 has the rating \"four\"", Assert.Throws<MedExplainInputException>(() => RatingsFile.Read(_temp.File("bad-number.csv"))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("out.csv")]
    [InlineData("out.json")]
    public void RatingsFile_WrittenAsCsvOrJson_ReadsBackTheSame(string name)
    {
        Rating[] ratings = [new("r1", "case, \"quoted\"", "gradient", 4), new("r2", "c2", "lrp", 2.5)];
        RatingsFile.Write(_temp.File(name), ratings);
        Assert.Equal(ratings, RatingsFile.Read(_temp.File(name)));
    }
}
