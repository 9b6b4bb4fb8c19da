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
}
