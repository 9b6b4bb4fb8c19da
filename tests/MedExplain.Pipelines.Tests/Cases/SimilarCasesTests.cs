using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Pipelines.Cases;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests.Cases;

/// <summary>Similar cases on the demo's screening pool: a search restricted to a region compares only that region (the
/// tumour retrieves tumour cases, the same area mirrored onto the healthy side retrieves normal ones), and explain shows
/// the cases with their labels in its summary.</summary>
public sealed class SimilarCasesTests : IDisposable
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
        string[] scans = [.. Directory.GetFiles(Path.Combine(RepoPaths.Demo, "concepts", "random"), "*.png").Order(StringComparer.Ordinal)];
        CaseIndex index = CaseIndex.OpenOrCreate(_temp.File("index"), _model);
        index.AddScans(_model, [.. scans.Select(s => (s, (string?)Path.GetFileNameWithoutExtension(s).Split('-')[^1]))], 1L << 30);
        return index;
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
