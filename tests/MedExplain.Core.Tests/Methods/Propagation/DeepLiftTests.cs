using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Methods.Propagation;

/// <summary>DeepLIFT Rescale and DeepSHAP against their published properties and equivalences.</summary>
public sealed class DeepLiftTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void AttributionsSumToTheOutputDifferenceOnAReluNetWithBiases()
    {
        using OnnxModel model = OnnxModel.Load(ReluNet());
        FloatTensor x = Random(2, 1), reference = Random(2, 2);
        var options = new AttributionOptions { Baseline = BaselineKind.Array, BaselineArray = reference };

        Attribution a = AttributionMethods.Get("deeplift").Attribute(model, x, ClassTarget.Class(1), options);

        float[] fx = Scores(model, x, 1), fr = Scores(model, reference, 1);
        for (int item = 0; item < 2; item++)
        {
            double delta = fx[item] - fr[item];
            double sum = a.Values.Item(item).ToArray().Sum(v => (double)v);
            Assert.True(Math.Abs(sum - delta) <= 1e-4 * Math.Max(1, Math.Abs(delta)), $"item {item}: Σ {sum} vs Δf {delta}");
            Assert.True(Math.Abs(a.Diagnostics[Diagnostic.SummationToDeltaGap][item]) <= 1e-4 * Math.Max(1, Math.Abs(delta)));
        }

        Assert.True(Numerics.RelativeL2(a.Values.Data, AttributionMethods.Get("gradient").Attribute(model, x, ClassTarget.Class(1), options).Values.Data) > 0.05,
            "on a nonlinear net DeepLIFT is not the gradient");
    }

    [Fact]
    public void AProductOfTwoActivationsIsSplitAsItsShapleyValues()
    {
        // y = (x0 + 1)·x1 against the reference (0, 0): the two players' Shapley values are
        // x1·(x0 + 1 + 1)/2 for x1 and x0·(x1 + 0)/2 for x0, which sum to Δy = (x0 + 1)·x1.
        string path = new TinyModelBuilder(13).Input("x", null, 2).Output("y").Initializer("one", [], [1f])
            .IntInitializer("first", [0]).IntInitializer("second", [1]).IntInitializer("end1", [1]).IntInitializer("end2", [2]).IntInitializer("axis", [1])
            .Node("Slice", ["x", "first", "end1", "axis"], ["x0"]).Node("Slice", ["x", "second", "end2", "axis"], ["x1"])
            .Node("Add", ["x0", "one"], ["a"]).Node("Mul", ["a", "x1"], ["y"]).Save(_temp.File("product.onnx"));
        using OnnxModel model = OnnxModel.Load(path);
        var x = new FloatTensor([1, 2], [3f, -2f]);

        Attribution a = AttributionMethods.Get("deeplift").Attribute(model, x, ClassTarget.Class(0), new AttributionOptions());

        Assert.Equal(3f * (-2f + 0f) / 2, a.Values.Data[0], 5);
        Assert.Equal(-2f * (4f + 1f) / 2, a.Values.Data[1], 5);
    }

    [Fact]
    public void AMaxPoolWhoseWinnerMovesKeepsTheSumToDelta()
    {
        // One window of 4: the input's maximum (5) is at 0, the reference's (4) at 3. The gradient would credit
        // position 0 with 1·Δx0 = 5 although Δy = 5 − 4 = 1; Captum's rule credits m − ȳ = 1 to the input's winner and
        // y − m = 0 to the reference's, with m = max(y, ȳ).
        string path = new TinyModelBuilder(13).Input("x", null, 1, 4).Output("y")
            .Node("MaxPool", ["x"], ["p"], attributes: ("kernel_shape", new long[] { 4 }))
            .Node("Flatten", ["p"], ["y"], attributes: ("axis", 1L)).Save(_temp.File("pool.onnx"));
        using OnnxModel model = OnnxModel.Load(path);
        var x = new FloatTensor([1, 1, 4], [5f, 1f, 2f, 3f]);
        var reference = new FloatTensor([1, 1, 4], [0f, 1f, 2f, 4f]);

        Attribution a = AttributionMethods.Get("deeplift").Attribute(model, x, ClassTarget.Class(0), new AttributionOptions { Baseline = BaselineKind.Array, BaselineArray = reference });

        Assert.Equal(new[] { 1f, 0f, 0f, 0f }, a.Values.Data.Select(v => MathF.Round(v, 5)));
        Assert.Equal(0f, a.Diagnostics[Diagnostic.SummationToDeltaGap][0], 5);
    }

    [Theory]
    [InlineData(13)] // the one-hot ConvTranspose backward of MaxPool
    [InlineData(17)] // ScatterElements with reduction
    public void OverlappingMaxPoolWindowsThatShareAWinnerBothCreditIt(int opset)
    {
        // k3 s2 p1 (every ResNet stem) over [1, 5, 2, 4, 3]: windows [·,1,5], [5,2,4], [4,3,·] give 5, 5, 4; against a
        // zero reference Δf = 14. Position 1 wins two windows and must be credited 10. (Captum 0.8.0 returns
        // [0, 5, 0, 4, 0] here, summing to 9: docs/peer-agreement.md.)
        string path = new TinyModelBuilder(opset).Input("x", null, 1, 5).Output("y")
            .IntInitializer("axes", [1])
            .Node("MaxPool", ["x"], ["p"], attributes: [("kernel_shape", new long[] { 3 }), ("strides", new long[] { 2 }), ("pads", new long[] { 1, 1 })])
            .Node("Flatten", ["p"], ["f"], attributes: ("axis", 1L)).Node("ReduceSum", ["f", "axes"], ["y"], attributes: ("keepdims", 1L))
            .Save(_temp.File($"overlap{opset}.onnx"));
        using OnnxModel model = OnnxModel.Load(path);

        Attribution a = AttributionMethods.Get("deeplift").Attribute(model, new FloatTensor([1, 1, 5], [1f, 5f, 2f, 4f, 3f]), ClassTarget.Class(0), new AttributionOptions());

        Assert.Equal(new[] { 0f, 10f, 0f, 4f, 0f }, a.Values.Data.Select(v => MathF.Round(v, 4)));
    }

    [Fact]
    public void OnALinearModelDeepLiftEqualsIntegratedGradients()
    {
        using OnnxModel model = OnnxModel.Load(TinyModels.Linear().Save(_temp.File("linear.onnx")));
        var x = new FloatTensor([2, 1, 2, 2], [1, -2, 3, 0.5f, -1, 4, 2, 1]);

        Attribution deeplift = AttributionMethods.Get("deeplift").Attribute(model, x, ClassTarget.Class(2), new AttributionOptions());
        Attribution ig = AttributionMethods.Get("integrated-gradients").Attribute(model, x, ClassTarget.Class(2), new AttributionOptions { Steps = 4 });

        Assert.True(Numerics.RelativeL2(deeplift.Values.Data, ig.Values.Data) < 1e-6);
    }

    [Fact]
    public void DeepShapWithOneReferenceIsDeepLiftWithIt()
    {
        using OnnxModel model = OnnxModel.Load(ReluNet());
        FloatTensor x = Random(3, 5), reference = Random(1, 6);
        var tiled = FloatTensor.Concatenate([reference, reference, reference]);

        Attribution shap = AttributionMethods.Get("deepshap").Attribute(model, x, ClassTarget.Class(0), new AttributionOptions { Background = reference });
        Attribution lift = AttributionMethods.Get("deeplift").Attribute(model, x, ClassTarget.Class(0), new AttributionOptions { Baseline = BaselineKind.Array, BaselineArray = tiled });

        Assert.True(Numerics.RelativeL2(shap.Values.Data, lift.Values.Data) < 1e-6);
    }

    [Fact]
    public void DeepShapSumsToTheDifferenceFromTheMeanBackgroundOutput()
    {
        using OnnxModel model = OnnxModel.Load(ReluNet());
        FloatTensor x = Random(2, 7), background = Random(5, 8);

        Attribution shap = AttributionMethods.Get("deepshap").Attribute(model, x, ClassTarget.Class(2), new AttributionOptions { Background = background });

        double meanBackground = Scores(model, background, 2).Average(v => (double)v);
        float[] fx = Scores(model, x, 2);
        for (int item = 0; item < 2; item++)
        {
            double sum = shap.Values.Item(item).ToArray().Sum(v => (double)v);
            Assert.True(Math.Abs(sum - (fx[item] - meanBackground)) <= 1e-4 * Math.Max(1, Math.Abs(fx[item])), $"Σ {sum} vs {fx[item] - meanBackground}");
        }
    }

    [Fact]
    public void AReferenceEqualToTheInputGivesZeroNotNaN()
    {
        using OnnxModel model = OnnxModel.Load(ReluNet());
        FloatTensor x = Random(1, 9);

        Attribution a = AttributionMethods.Get("deeplift").Attribute(model, x, ClassTarget.Class(0), new AttributionOptions { Baseline = BaselineKind.Array, BaselineArray = x });

        Assert.All(a.Values.Data, v => Assert.Equal(0f, v));
    }

    private static float[] Scores(OnnxModel model, FloatTensor inputs, int classIndex)
    {
        FloatTensor y = new MedExplain.Prediction.Predictor(model).Forward(inputs, "y");
        return [.. Enumerable.Range(0, inputs.BatchSize).Select(i => y.Item(i)[classIndex])];
    }

    private static FloatTensor Random(int batch, int seed)
    {
        var random = new Random(seed);
        var x = new FloatTensor(batch, 1, 6, 6);
        for (int i = 0; i < x.Data.Length; i++)
        {
            x.Data[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return x;
    }

    /// <summary>Conv(bias) → ReLU → Conv(bias) → Tanh → AveragePool → Flatten → Gemm(bias): nonlinear, biased, no max pooling.</summary>
    private string ReluNet()
    {
        var random = new Random(21);
        float[] Values(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        (string Name, object Value)[] same = [("pads", new long[] { 1, 1, 1, 1 })];
        return new TinyModelBuilder(opset: 17)
            .Input("x", null, 1, 6, 6).Output("y", null, 3)
            .Initializer("w1", [3, 1, 3, 3], Values(27)).Initializer("b1", [3], Values(3))
            .Initializer("w2", [2, 3, 3, 3], Values(54)).Initializer("b2", [2], Values(2))
            .Initializer("w3", [18, 3], Values(54)).Initializer("b3", [3], Values(3))
            .Node("Conv", ["x", "w1", "b1"], ["c1"], "c1", same).Node("Relu", ["c1"], ["r1"], "r1")
            .Node("Conv", ["r1", "w2", "b2"], ["c2"], "c2", same).Node("Tanh", ["c2"], ["t2"], "t2")
            .Node("AveragePool", ["t2"], ["p"], "pool", ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }))
            .Node("Flatten", ["p"], ["flat"], "flatten").Node("Gemm", ["flat", "w3", "b3"], ["y"], "dense")
            .Save(_temp.File("net.onnx"));
    }
}
