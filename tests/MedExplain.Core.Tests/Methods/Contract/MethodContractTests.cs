using MedExplain.Imaging.Npy;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.TestUtilities;
using Xunit.Abstractions;

namespace MedExplain.Core.Tests.Methods.Contract;

/// <summary>Every method on every zoo model (opset 17 and 13 exports): a map shaped like the input, finite, the same for
/// the same seed, a batch equal to its items run one by one, DeepLIFT's summation to delta; or a clean refusal
/// (<see cref="MedExplainInputException"/>, naming the model), never another exception.</summary>
[Trait("Category", "Slow")]
public sealed class MethodContractTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (string file in ModelZoo.Files().Where(f => !f.Contains(".opset", StringComparison.Ordinal) || f.Contains(".opset13.", StringComparison.Ordinal)))
        {
            foreach (string method in AttributionMethods.Names)
            {
                cases.Add(file, method);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Attribute_ZooModel_KeepsTheMethodContract(string file, string method)
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData($"zoo/{file}"));
        FloatTensor inputs = NpyReader.Read(RepoPaths.TestData($"zoo/{ModelZoo.NameOf(file)}.input.npy"));
        (ClassTarget target, AttributionOptions options) = Setup(file, inputs);
        IAttributionMethod attribution = AttributionMethods.Get(method);

        Attribution batch;
        try
        {
            batch = attribution.Attribute(model, inputs, target, options);
        }
        catch (MedExplainInputException refusal)
        {
            output.WriteLine($"{file} × {method}: refused: {refusal.Message}");
            Assert.False(string.IsNullOrWhiteSpace(refusal.Problem));
            return;
        }

        // Maps are shaped like the input; CAM maps have one channel.
        Assert.Equal([inputs.Shape[0], .. inputs.Shape[2..]], [batch.Values.Shape[0], .. batch.Values.Shape[2..]]);
        Assert.Contains(batch.Values.Shape[1], new[] { 1, inputs.Shape[1] });
        Assert.True(batch.Values.Data.All(float.IsFinite), $"{file} × {method}: non-finite values");

        // smooth-head subtracts the mean of the whole batch, so an item's output depends on what shares its batch, and
        // perturbation methods choose their batches by timing: neither a rerun nor a single item can match there.
        if (ModelZoo.NameOf(file) != "smooth-head")
        {
            // ONNX Runtime's threaded reductions may add in another order from run to run, and perturbation methods
            // subtract nearly equal scores: equal to float rounding, magnified (a different seed differs by O(1)).
            double rerun = Numerics.RelativeL2(attribution.Attribute(model, inputs, target, options).Values.Data, batch.Values.Data);
            Assert.True(rerun <= 1e-4, $"{file} × {method}: a second run with the same seed differs by {rerun:E2}");

            for (int item = 0; item < inputs.BatchSize; item++)
            {
                FloatTensor single = inputs.Slice(item, 1);
                (ClassTarget itemTarget, AttributionOptions itemOptions) = Setup(file, single, item);
                float[] alone = attribution.Attribute(model, single, itemTarget, itemOptions).Values.Data;
                double error = Numerics.RelativeL2(alone, batch.Values.Item(item).ToArray());
                Assert.True(error <= 1e-3, $"{file} × {method}: item {item} alone differs from the batch by {error:E2}");
            }
        }

        if (batch.Diagnostics.TryGetValue(Diagnostic.RelevanceGap, out float[]? leaks))
        {
            output.WriteLine($"{file} × {method}: relevance sum minus score {string.Join(", ", leaks.Select((l, i) => $"{l:E2} (score {batch.TargetScores[i]:E2})"))}");
        }

        if (batch.Diagnostics.TryGetValue(Diagnostic.SummationToDeltaGap, out float[]? gaps) && method != "deeplift-reveal-cancel")
        {
            for (int item = 0; item < gaps.Length; item++)
            {
                double delta = Math.Abs(batch.Values.Item(item).ToArray().Sum(v => (double)v) - gaps[item]);
                output.WriteLine($"{file} × {method}: item {item} summation-to-delta gap {gaps[item]:E2} of Δf ≈ {delta:E2}");
                Assert.True(Math.Abs(gaps[item]) <= 1e-3 * Math.Max(delta, 1e-3), $"{file} × {method}: Σ attribution misses f(x) − f(x̄) by {gaps[item]:E2} (Δf ≈ {delta:E2})");
            }
        }
    }

    /// <summary>Class targets from the zoo's arrays, or the saved mask for segmentation models; small sample counts.</summary>
    private static (ClassTarget Target, AttributionOptions Options) Setup(string file, FloatTensor inputs, int? item = null)
    {
        string name = ModelZoo.NameOf(file);
        var options = new AttributionOptions { Steps = 8, Samples = 4, Seed = 5, Background = NpyReader.Read(RepoPaths.TestData($"zoo/{name}.input.npy")) };
        string mask = RepoPaths.TestData($"zoo/{name}.seed.npy");
        if (File.Exists(mask))
        {
            FloatTensor seed = NpyReader.Read(mask);
            return (ClassTarget.Predicted, options with { TargetMask = item is { } i ? seed.Slice(i, 1) : seed });
        }

        int[] targets = [.. NpyReader.Read(RepoPaths.TestData($"zoo/{name}.targets.npy")).Data.Select(v => (int)v)];
        return (ClassTarget.PerItem(item is { } k ? [targets[k]] : targets[..inputs.BatchSize]), options);
    }
}
