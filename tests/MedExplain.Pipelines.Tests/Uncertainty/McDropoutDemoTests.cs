using MedExplain.Imaging;
using MedExplain.Onnx;
using MedExplain.TestUtilities;
using MedExplain.Uncertainty;
using Xunit.Abstractions;

namespace MedExplain.Pipelines.Tests.Uncertainty;

/// <summary>MC dropout inserted before the 3D demo model's head: inputs unlike its training data (inverted contrast,
/// heavy noise, a blank volume) have more mutual information than the demo volumes and their shifted, noisy variants.</summary>
public sealed class McDropoutDemoTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Slow")]
    public void MutualInformation_SeparatesOutOfDistributionVolumes()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-3d"));
        using McDropout dropout = McDropout.At(model, "/Flatten_output_0", 0.5, [1, 1, 64, 64, 64]);
        var rng = new Random(5);
        FloatTensor[] demo = [.. new[] { "volume-01-normal", "volume-02-tumour", "volume-03-infarct" }.Select(n => ModelInputLoader.Prepare(RepoPaths.DemoScan($"3d/{n}.nii.gz"), model.InputSpec).Batch)];
        FloatTensor Variant(FloatTensor v, Func<int, float, float> change) => new([.. v.Shape], [.. v.Data.Select((x, i) => change(i, x))]);
        float Noise(double sd) => (float)(sd * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        FloatTensor[] inside = [.. demo, .. demo.SelectMany(v => Enumerable.Range(0, 4).Select(_ => Variant(v, (_, x) => x + Noise(0.1))))];
        FloatTensor[] outside = [.. demo.Select(v => Variant(v, (_, x) => -x)), .. demo.Select(v => Variant(v, (_, x) => x + Noise(2))), Variant(demo[0], (_, _) => 0)];

        double[] MutualInformation(FloatTensor[] inputs) => [.. inputs.Select((x, i) => dropout.Predict(x, 30, seed: i).Uncertainty.MutualInformation)];
        double[] id = MutualInformation(inside), ood = MutualInformation(outside);

        // AUROC: the chance that an out-of-distribution volume has more mutual information than an in-distribution one.
        double auroc = ood.Sum(o => id.Sum(i => o > i ? 1 : o == i ? 0.5 : 0)) / (ood.Length * (double)id.Length);
        output.WriteLine($"mutual information: in distribution mean {id.Average():G3} (n {id.Length}), out {ood.Average():G3} (n {ood.Length}); AUROC {auroc:0.00}");
        Assert.True(auroc >= 0.8, $"AUROC {auroc:0.00}");

        // The head alone (the body run once) gives what re-running the whole model gives.
        using McDropout whole = McDropout.At(model, "/Flatten_output_0", 0.5, [1, 1, 64, 64, 64], headOnly: false);
        float[][] a = whole.Predict(demo[1], 8, seed: 3).Probabilities, b = dropout.Predict(demo[1], 8, seed: 3).Probabilities;
        Assert.True(dropout.RunsHeadOnly);
        Assert.All(Enumerable.Range(0, 8), k => Assert.All(Enumerable.Range(0, 3), c => Assert.True(Math.Abs(a[k][c] - b[k][c]) <= 1e-6, $"sample {k}, class {c}: {a[k][c]} and {b[k][c]}")));
    }
}
