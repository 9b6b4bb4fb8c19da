using System.Diagnostics;
using MedExplain.Batching;
using MedExplain.Concepts;
using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Pipelines.Concepts;

namespace MedExplain.Benchmarks;

/// <summary><c>concepts-memory</c>: TCAV on the 3D demo model with 20 random sets of 50 volumes (64³), a flattened layer,
/// under a memory budget, printing the process's peak resident memory against the budget and against what holding the
/// study's activations and gradients in memory would take; the peak so far at the start of each stage too.</summary>
internal static class ConceptsMemory
{
    /// <summary>The first ReLU at full resolution: 524 288 values per volume flattened.</summary>
    public const string DefaultLayer = "/body/body.0/body.0.2/Relu_output_0";
    private static readonly string[] Sources = ["volume-01-normal", "volume-02-tumour", "volume-03-infarct"];

    public static int Run(long budgetBytes, string layer)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"medexplain-concepts-memory-{Environment.ProcessId}");
        try
        {
            ConceptStudy study = WriteStudy(folder);
            using OnnxModel model = OnnxModel.Load(DemoModels.Path("brain-lesion-3d"));
            var settings = new ConceptSettings([layer], TargetClass: 1, LayerPooling.Flatten, Options: new AttributionOptions { MaxMemoryBytes = budgetBytes });
            var clock = Stopwatch.StartNew();
            ConceptResults results = new ConceptExperiment(model, settings, stage =>
            {
                using var now = Process.GetCurrentProcess();
                Console.WriteLine($"  {stage}: peak so far {now.PeakWorkingSet64 >> 20} MiB, working set {now.WorkingSet64 >> 20} MiB, managed {GC.GetTotalMemory(false) >> 20} MiB");
                return new Progress<BatchProgress>();
            }).Run(study);
            int length = LayerProbe.PooledLength(model, [1, 64, 64, 64], layer, LayerPooling.Flatten);
            long held = 2L * (study.Concepts[0].Images.Count + study.RandomPool.Count + study.Examples.Count) * length * sizeof(float);
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            ConceptScore score = results.Scores[0];
            Console.WriteLine($"TCAV, 3D demo model, {layer} flattened ({length} values), {study.RandomSets} random sets of {study.RandomSetSize} " +
                              $"from {study.RandomPool.Count} volumes: {clock.Elapsed.TotalSeconds:0.0} s, score {score.Score.Mean:0.00}; " +
                              $"peak resident memory {process.PeakWorkingSet64 >> 20} MiB for a budget of {budgetBytes >> 20} MiB " +
                              $"(ratio {process.PeakWorkingSet64 / (double)budgetBytes:0.00}); the activations and gradients alone would take {held >> 20} MiB in memory");
            return process.PeakWorkingSet64 <= budgetBytes ? 0 : 1;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Variants of the three demo volumes (seeded shifts and noise): a pool of 80, 30 concept volumes carrying a
    /// bright 6³ cube in one corner, 20 examples.</summary>
    private static ConceptStudy WriteStudy(string folder)
    {
        string scans = Path.GetDirectoryName(DemoModels.Path("brain-lesion-3d"))!.Replace("models", "scans", StringComparison.Ordinal);
        MedicalImage[] sources = [.. Sources.Select(n => MedicalImageReader.Read(Path.Combine(scans, "3d", n + ".nii.gz")))];
        var random = new Random(11);
        string[] Write(string name, int count, bool cube) => [.. Enumerable.Range(0, count).Select(n =>
        {
            MedicalImage source = sources[n % sources.Length];
            int shift = random.Next(-3, 4);
            float[] voxels = new float[source.Voxels.Length];
            float bright = 2 * source.Voxels.Max();
            for (int v = 0; v < voxels.Length; v++)
            {
                int i = v % 64, j = v / 64 % 64, k = v / 4096;
                voxels[v] = source.Voxels[source.Index((i + shift + 64) % 64, j, k)] * (float)(1 + (0.05 * (random.NextDouble() - 0.5)));
                voxels[v] = cube && i < 6 && j < 6 && k < 6 ? bright : voxels[v];
            }

            string path = Path.Combine(folder, name, $"{name}-{n:000}.nii.gz");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            NiftiWriter.Write(path, source.WithVoxels(voxels));
            return path;
        })];
        return new ConceptStudy([new ConceptSet("corner cube", Write("cube", 30, cube: true))], Write("pool", 80, cube: false), Write("examples", 20, cube: false), []);
    }
}
