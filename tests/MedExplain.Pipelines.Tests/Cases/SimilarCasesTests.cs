using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Pipelines.Cases;
using MedExplain.TestUtilities;
using Xunit.Abstractions;

namespace MedExplain.Pipelines.Tests.Cases;

/// <summary>Similar cases on the demo's screening pool: a search restricted to a region compares only that region (the
/// tumour retrieves tumour cases, the same area mirrored onto the healthy side retrieves normal ones), and explain shows
/// the cases with their labels in its summary.</summary>
public sealed class SimilarCasesTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly OnnxModel _model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));

    public void Dispose()
    {
        _model.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Search_RestrictedToARegion_ComparesOnlyWhatLiesThere()
    {
        CaseIndex index = Pool();
        PreparedScan query = ModelInputLoader.Prepare(RepoPaths.DemoScan("2d/slice-02-tumour.png"), _model.InputSpec);
        float[] tumour = query.LabelsOnModelGrid(RepoPaths.DemoScan("2d/slice-02-tumour-mask.png"));
        float[] mirrored = Mirror(tumour, query.Batch.Shape[3]);

        SimilarCasesResult inTumour = SimilarCases.Find(_model, index, query, 5, null, 1L << 30, tumour);
        SimilarCasesResult onHealthySide = SimilarCases.Find(_model, index, query, 5, null, 1L << 30, mirrored);

        Assert.True(inTumour.Cases.Count(c => c.Match.Case.Label == "tumour") >= 4, string.Join(", ", inTumour.Cases.Select(c => c.Match.Case.Label)));
        Assert.True(onHealthySide.Cases.Count(c => c.Match.Case.Label == "normal") >= 4, string.Join(", ", onHealthySide.Cases.Select(c => c.Match.Case.Label)));

        // The query's map lies inside the region only (after mapping back onto the PNG's grid, which is the model's).
        Assert.All(inTumour.Cases, c => Assert.All(c.QueryMap.Select((v, i) => (v, i)).Where(p => p.v != 0), p => Assert.True(NearRegion(tumour, p.i, query.Batch.Shape[3]))));
    }

    [Fact]
    public void Search_AtAPooledLayer_MapsByOcclusion_MuchAsTheExactSplitDoes()
    {
        // The pooled tensor has one position (1×1), so its maps come from occlusion; the layer before it has 32×32, and
        // its maps are the exact split of the same cosine (the pooled vector is their mean). Both should show the same places.
        string pooled = _model.Proto.Graph.Node.First(n => n.Name == _model.FindCamLayers()[^1].PoolingNode).Output[0];
        string[] scans = RepoPaths.ScreeningPool();
        (string, string?)[] items = [.. scans.Select(s => (s, (string?)RepoPaths.PoolLabel(s)))];
        CaseIndex byOcclusion = CaseIndex.OpenOrCreate(_temp.File("pooled"), _model, pooled), exact = CaseIndex.OpenOrCreate(_temp.File("exact"), _model);
        byOcclusion.AddScans(_model, items, 1L << 30);
        exact.AddScans(_model, items, 1L << 30);
        PreparedScan query = ModelInputLoader.Prepare(RepoPaths.DemoScan("2d/slice-02-tumour.png"), _model.InputSpec);

        SimilarCasesResult occludedResult = SimilarCases.Find(_model, byOcclusion, query, 1, null, 1L << 30), splitResult = SimilarCases.Find(_model, exact, query, 1, null, 1L << 30);
        SimilarCase occluded = occludedResult.Cases[0], split = splitResult.Cases[0];
        Assert.True(occludedResult.MapsByOcclusion);
        Assert.False(splitResult.MapsByOcclusion);

        // Spearman's ρ of the signed maps: Pearson of their ranks, ties (the occlusion map's windows) given their mean rank.
        double[] a = Ranks(occluded.QueryMap), b = Ranks(split.QueryMap);
        double meanA = a.Average(), meanB = b.Average();
        double rho = a.Zip(b).Sum(p => (p.First - meanA) * (p.Second - meanB)) / Math.Sqrt(a.Sum(v => (v - meanA) * (v - meanA)) * b.Sum(v => (v - meanB) * (v - meanB)));
        output.WriteLine($"Spearman of the occlusion and exact maps of the query: {rho:0.00}");
        Assert.Equal(split.Match.Case.Scan, occluded.Match.Case.Scan);
        Assert.True(rho > 0.3, $"Spearman of the occlusion and exact maps {rho:0.00}");
    }

    [Fact]
    public void Explain_WithAnIndex_ShowsTheNearestCasesAndCountsTheirLabelsInTheSummary()
    {
        Pool();
        Explanation explanation = Explainer.Explain(new ExplainRequest(
            RepoPaths.DemoModel("brain-lesion-2d"), null, RepoPaths.DemoScan("2d/slice-02-tumour.png"), new ImageReadOptions(), null,
            ["gradient"], ClassTarget.Predicted, new AttributionOptions(), null, new Dictionary<string, string>())
        {
            CaseIndexPath = _temp.File("index"),
            SimilarCount = 3,
        });

        Assert.Equal(3, explanation.SimilarCases!.Cases.Count);
        MedExplain.Pipelines.Summaries.SimilarCasesFacts facts = explanation.Summary!.Facts.SimilarCases!;
        Assert.Equal(3, facts.Count);
        Assert.Equal(explanation.SimilarCases.Cases.Count(c => c.Match.Case.Label == facts.Labels[0].Label), facts.Labels[0].Cases);
        Assert.Contains(FormattableString.Invariant($"Its 3 most similar reference cases are labelled {facts.Labels[0].Label} ({facts.Labels[0].Cases})"), explanation.Summary.Text, StringComparison.Ordinal);
        Assert.Contains(FormattableString.Invariant($"(nearest: cosine {facts.TopSimilarity})"), explanation.Summary.Text, StringComparison.Ordinal);
        Assert.InRange(facts.TopSimilarity, 0.9, 0.9999); // the query is not in the pool: never printed as 1
    }

    [Fact]
    public void Explain_WithAFolderHoldingNoIndex_IsRefusedBeforeAnyMethodRuns()
    {
        var log = new List<string>();
        var request = new ExplainRequest(
            RepoPaths.DemoModel("brain-lesion-2d"), null, RepoPaths.DemoScan("2d/slice-02-tumour.png"), new ImageReadOptions(), null,
            ["gradient"], ClassTarget.Predicted, new AttributionOptions(), null, new Dictionary<string, string>())
        {
            CaseIndexPath = _temp.Path,
        };

        var error = Assert.Throws<MedExplainInputException>(() => Explainer.Explain(request, log.Add));
        Assert.Equal(_temp.Path, error.FilePath);
        Assert.DoesNotContain(log, line => line.StartsWith("method", StringComparison.Ordinal));
    }

    private CaseIndex Pool()
    {
        string[] scans = RepoPaths.ScreeningPool();
        CaseIndex index = CaseIndex.OpenOrCreate(_temp.File("index"), _model);
        index.AddScans(_model, [.. scans.Select(s => (s, (string?)RepoPaths.PoolLabel(s)))], 1L << 30);
        return index;
    }

    private static double[] Ranks(float[] values)
    {
        int[] order = [.. Enumerable.Range(0, values.Length).OrderBy(i => values[i])];
        var ranks = new double[values.Length];
        for (int start = 0, end; start < order.Length; start = end)
        {
            for (end = start + 1; end < order.Length && values[order[end]] == values[order[start]]; end++)
            {
            }

            for (int r = start; r < end; r++)
            {
                ranks[order[r]] = (start + end - 1) / 2.0;
            }
        }

        return ranks;
    }

    /// <summary>The region flipped left to right: the same area on the other side of the brain.</summary>
    private static float[] Mirror(float[] region, int width) =>
        [.. region.Select((_, i) => region[(i / width * width) + (width - 1 - (i % width))])];

    /// <summary>Whether a voxel lies within a layer cell (16 voxels, with the upsampling's reach) of the region.</summary>
    private static bool NearRegion(float[] region, int voxel, int width)
    {
        int y = voxel / width, x = voxel % width;
        for (int dy = -16; dy <= 16; dy++)
        {
            for (int dx = -16; dx <= 16; dx++)
            {
                int yy = y + dy, xx = x + dx;
                if (yy >= 0 && xx >= 0 && yy < region.Length / width && xx < width && region[(yy * width) + xx] != 0)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
