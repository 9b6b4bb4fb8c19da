using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Pipelines.Batch;
using MedExplain.TestUtilities;
using Microsoft.Data.Sqlite;

namespace MedExplain.Pipelines.Tests.Batch;

/// <summary>A worker's maps are explain's maps: the same scan, method and parameters give the same values on the scan's
/// grid, and a second worker finds nothing left to do.</summary>
public sealed class BatchWorkerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [Fact]
    public void Run_WritesEachItemsMap_EqualToExplainsMapOfTheSameScan()
    {
        string scan = RepoPaths.DemoScan("2d/slice-02-tumour.nii.gz");
        var job = new BatchJob(RepoPaths.DemoModel("brain-lesion-2d"), null, [scan], ["gradient", "integrated-gradients"], new Dictionary<string, string> { ["steps"] = "8" });
        using (BatchLedger ledger = BatchLedger.Open(_temp.Path))
        {
            ledger.Plan(job, job.Items());
        }

        Assert.Equal(2, BatchWorker.Run(() => BatchLedger.Open(_temp.Path), "test", TimeProvider.System));
        Assert.Equal(0, BatchWorker.Run(() => BatchLedger.Open(_temp.Path), "second", TimeProvider.System));

        foreach (string method in job.Methods)
        {
            var request = new ExplainRequest(job.Model, null, scan, new ImageReadOptions(), null, [method], ClassTarget.Predicted, new AttributionOptions { Steps = 8 }, null, new Dictionary<string, string>());
            float[] expected = Explainer.Explain(request).Maps[0].OnScan;
            MedicalImage written = MedicalImageReader.Read(Path.Combine(_temp.Path, $"maps/slice-02-tumour-{method}.nii.gz"));
            double scale = expected.Max(Math.Abs);
            Assert.True(expected.Zip(written.Voxels).All(p => Math.Abs(p.First - p.Second) <= 1e-4 * scale), $"{method}: the batch map differs from explain's");
        }
    }

    [Fact]
    public void Run_AJobWithMetrics_GivesEvaluatesValuesAndMeanCurves_ForEveryScanAndMethod()
    {
        string[] scans = [RepoPaths.DemoScan("2d/slice-02-tumour.nii.gz"), RepoPaths.DemoScan("2d/slice-03-infarct.nii.gz")];
        string[] metrics = ["deletion", "pointing-game", "relevance-mass", "top10-gain", "repeatability"];
        var job = new BatchJob(RepoPaths.DemoModel("brain-lesion-2d"), null, scans, ["gradient", "integrated-gradients"],
            new Dictionary<string, string> { ["steps"] = "8", ["curve-steps"] = "10", ["repeats"] = "2" })
        { Metrics = metrics };
        job.Check("the test");
        using (BatchLedger ledger = BatchLedger.Open(_temp.Path))
        {
            ledger.Plan(job, job.Items());
        }

        Assert.Equal(4, BatchWorker.Run(() => BatchLedger.Open(_temp.Path), "test", TimeProvider.System));
        EvaluationResult batch;
        using (BatchLedger ledger = BatchLedger.Open(_temp.Path))
        {
            batch = BatchResults.Evaluation(BatchResults.Write(ledger));
        }

        // The truth: evaluate's run over the whole cohort at once, the masks and atlases found beside the scans.
        using var model = MedExplain.Onnx.OnnxModel.Load(job.Model, null, new MedExplain.Onnx.RuntimeOptions { IntraOpThreads = 1, InterOpThreads = 1 });
        var settings = new EvaluationSettings(job.Methods, [.. metrics.Select(EvaluationMetrics.Get)], 10, 2, [], null, false, new AttributionOptions { Steps = 8 });
        EvaluationResult whole = new EvaluationRun(model, settings, _ => new Progress<MedExplain.Batching.BatchProgress>()).Run([.. scans.Select(BatchJob.EvaluationItemOf)]);

        Assert.Equal(4 * metrics.Length, whole.Values.Count);
        Assert.Equal(whole.Values.Select(Name).Order(), batch.Values.Select(Name).Order());
        foreach (MetricValue expected in whole.Values)
        {
            double actual = batch.Values.Single(v => Name(v) == Name(expected)).Value;
            Assert.True(Math.Abs(expected.Value - actual) <= 1e-4 * Math.Max(1, Math.Abs(expected.Value)), $"{Name(expected)}: evaluate {expected.Value}, batch {actual}");
        }

        foreach (MeanCurve expected in whole.Curves)
        {
            double[] actual = batch.Curves.Single(c => (c.Method, c.Metric) == (expected.Method, expected.Metric)).Scores;
            Assert.Equal(expected.Scores.Length, actual.Length);
            Assert.True(expected.Scores.Zip(actual).All(p => Math.Abs(p.First - p.Second) <= 1e-4 * Math.Max(1, Math.Abs(p.First))), $"{expected.Method} {expected.Metric}: the mean curves differ");
        }

        string results = File.ReadAllText(Path.Combine(_temp.Path, BatchResults.ResultsFile));
        Assert.Equal(4, results.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(line => line.Contains("\"pointing-game\":", StringComparison.Ordinal)));

        static string Name(MetricValue v) => $"{v.Scan} {v.Method} {v.Metric}";
    }
}
