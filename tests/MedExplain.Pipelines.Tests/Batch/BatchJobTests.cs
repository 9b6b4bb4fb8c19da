using MedExplain.Pipelines.Batch;
using MedExplain.TestUtilities;

namespace MedExplain.Pipelines.Tests.Batch;

/// <summary>A batch job: read from its file, checked, and keyed by what determines each item's outputs.</summary>
public sealed class BatchJobTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_AJobFile_ResolvesItsPathsFromTheFile_AndReadsMetricsAndParameters()
    {
        string folder = _temp.File("jobs");
        Directory.CreateDirectory(Path.Combine(folder, "scans"));
        File.Copy(RepoPaths.DemoScan("2d/slice-02-tumour.nii.gz"), Path.Combine(folder, "scans", "a.nii.gz"));
        File.Copy(RepoPaths.DemoModel("brain-lesion-2d"), Path.Combine(folder, "model.onnx"));
        File.WriteAllText(Path.Combine(folder, "job.json"), """
            { "model": "model.onnx", "scans": ["scans"], "methods": ["gradient", "grad-cam"],
              "metrics": ["deletion", "pointing-game"], "parameters": { "curve-steps": 12, "grad-cam.seed": "3" } }
            """);

        BatchJob job = BatchJob.Load(Path.Combine(folder, "job.json"));

        Assert.Equal(Path.Combine(folder, "model.onnx"), job.Model);
        Assert.Equal([Path.Combine(folder, "scans")], job.Scans);
        Assert.Equal(["deletion", "pointing-game"], job.Metrics);
        Assert.Equal(12, job.EvaluationSettingsFor("gradient").Steps);
        Assert.Equal(3, job.OptionsFor("grad-cam").Seed);
        Assert.Equal(["a-gradient", "a-grad-cam"], job.Items().Select(i => Path.GetFileName(i.Output).Replace(".nii.gz", string.Empty, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("""{ "model": "m.onnx", "scans": [], "methods": ["gradient"], "metrics": 3 }""", "is not a batch job")]
    [InlineData("""{ "model": "missing.onnx", "scans": [], "methods": ["gradient"] }""", "missing.onnx, which does not exist")]
    public void Load_AMalformedJobFile_IsRefusedNamingIt(string text, string expected)
    {
        File.WriteAllText(_temp.File("m.onnx"), string.Empty);
        File.WriteAllText(_temp.File("job.json"), text);
        var error = Assert.Throws<MedExplainInputException>(() => BatchJob.Load(_temp.File("job.json")));
        Assert.Contains("job.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Items_Metrics_EnterTheKeys_AndAChangedMaskReRunsOnlyItsScansItems()
    {
        string folder = _temp.File("scans");
        Directory.CreateDirectory(folder);
        foreach (string name in new[] { "slice-02-tumour.nii.gz", "slice-02-tumour-mask.nii.gz", "slice-03-infarct.nii.gz", "slice-03-infarct-mask.nii.gz" })
        {
            File.Copy(RepoPaths.DemoScan("2d/" + name), Path.Combine(folder, name));
        }

        var maps = new BatchJob(RepoPaths.DemoModel("brain-lesion-2d"), null, [folder], ["gradient", "grad-cam"], new Dictionary<string, string>());
        BatchJob evaluated = maps with { Metrics = ["pointing-game"] };
        string[] mapKeys = [.. maps.Items().Select(i => i.Key)], before = [.. evaluated.Items().Select(i => i.Key)];
        Assert.Empty(mapKeys.Intersect(before));
        // A metric parameter does not touch a job without metrics.
        Assert.Equal(mapKeys, (maps with { Parameters = new Dictionary<string, string> { ["curve-steps"] = "30" } }).Items().Select(i => i.Key));

        File.Copy(RepoPaths.DemoScan("2d/slice-01-normal-mask.nii.gz"), Path.Combine(folder, "slice-03-infarct-mask.nii.gz"), overwrite: true);
        string[] after = [.. evaluated.Items().Select(i => i.Key)];
        Assert.Equal([true, true, false, false], before.Zip(after).Select(p => p.First == p.Second));
    }

    [Theory]
    [InlineData("label-randomisation", "", "shuffled labels")]
    [InlineData("repeatability", "", "repeats to 2 or more")]
    [InlineData("no-such-metric", "", "is not a metric")]
    [InlineData("deletion", "1", "from 2 to")]
    public void Check_MetricsABatchCannotCompute_AreRefusedWithWhatTheyNeed(string metric, string curveSteps, string expected)
    {
        var parameters = curveSteps.Length == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { ["curve-steps"] = curveSteps };
        var job = new BatchJob(RepoPaths.DemoModel("brain-lesion-2d"), null, [RepoPaths.DemoScan("2d/slice-02-tumour.nii.gz")], ["gradient"], parameters) { Metrics = [metric] };
        var error = Assert.Throws<MedExplainInputException>(() => job.Check("job.json"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("job.json", error.Message, StringComparison.Ordinal);
    }
}
