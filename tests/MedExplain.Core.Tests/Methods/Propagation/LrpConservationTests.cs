using MedExplain.Methods;
using MedExplain.Methods.Propagation;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Methods.Propagation;

/// <summary>Published properties of LRP on a bias-free ReLU network with a residual Add, max and average pooling:
/// relevance is conserved at every layer, and LRP-0 equals input × gradient.</summary>
public sealed class LrpConservationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("epsilon", 0.0)]
    [InlineData("epsilon", 1e-6)]
    [InlineData("epsilon-plus", 1e-6)]
    [InlineData("zplus", 1e-6)]
    [InlineData("deep-taylor", 1e-6)]
    public void RelevanceIsConservedAtEveryLayer(string composite, double epsilon)
    {
        using OnnxModel model = OnnxModel.Load(ResidualNet());
        FloatTensor x = Input(1);
        var options = new AttributionOptions { Epsilon = epsilon, Composite = composite };

        IReadOnlyList<LayerConservation> layers = LayerConservation.PerLayer(model, x, 2, "lrp", options);

        Assert.Equal(["input", "c2", "c3", "dense"], layers.Select(l => l.Layer));
        double score = layers[0].RelevanceSum - layers[0].Gap;
        Assert.True(Math.Abs(score) > 1e-3, "the test needs a non-trivial score");
        foreach (LayerConservation layer in layers)
        {
            Assert.True(Math.Abs(layer.Gap) <= 1e-4 * Math.Abs(score), $"{composite}: {layer.Layer} holds {layer.RelevanceSum}, score {score}");
        }
    }

    [Fact]
    public void ConservationIsRefusedForMethodsOtherThanLrp()
    {
        using OnnxModel model = OnnxModel.Load(ResidualNet());

        var e = Assert.Throws<MedExplainParameterException>(() => LayerConservation.PerLayer(model, Input(1), 2, "gradient", new AttributionOptions()));

        Assert.Equal("method", e.Parameter);
    }

    [Theory]
    [InlineData("epsilon")]
    [InlineData("epsilon-plus")]
    public void ProductsOfActivationsPassRelevanceOnOnce(string composite)
    {
        // Bias-free: a SiLU (c·σ(c)) and a squeeze-excitation gate (h = g·σ(W·mean(g))) give all relevance to the signal,
        // the square h·h splits it in half, a layer norm's denominator takes none. Counting it once per operand (the
        // gradient rule) multiplied it at every product.
        string path = new TinyModelBuilder(17).Input("x", null, 2, 4, 4).Output("y")
            .Initializer("w1", [3, 2, 3, 3], Weights(54, 1)).Initializer("w2", [3, 3, 1, 1], Weights(9, 2)).Initializer("w3", [2, 3], Weights(6, 3))
            .Initializer("gamma", [4], [0.8f, 1.2f, 1f, 0.6f])
            .Node("Conv", ["x", "w1"], ["c"], attributes: ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Sigmoid", ["c"], ["s"]).Node("Mul", ["c", "s"], ["g"])
            .Node("GlobalAveragePool", ["g"], ["p"]).Node("Conv", ["p", "w2"], ["f"]).Node("Sigmoid", ["f"], ["gate"]).Node("Mul", ["g", "gate"], ["h"])
            .Node("LayerNormalization", ["h", "gamma"], ["n"], attributes: ("axis", -1L))
            .Node("Mul", ["n", "h"], ["q"])
            .Node("GlobalAveragePool", ["q"], ["m"]).Node("Flatten", ["m"], ["v"]).Node("Gemm", ["v", "w3"], ["y"], attributes: ("transB", 1L))
            .Save(_temp.File("gated.onnx"));
        using OnnxModel model = OnnxModel.Load(path);
        FloatTensor x = new([1, 2, 4, 4], Weights(32, 4));

        Attribution a = AttributionMethods.Get("lrp").Attribute(model, x, ClassTarget.Class(0), new AttributionOptions { Composite = composite, Epsilon = 1e-9 });

        double sum = a.Values.Data.Sum(v => (double)v), score = a.TargetScores[0];
        Assert.True(Math.Abs(score) > 1e-3, "the test needs a non-trivial score");
        Assert.True(Math.Abs(sum - score) <= 1e-3 * Math.Abs(score), $"{composite}: relevance {sum} for score {score}");
    }

    [Fact]
    public void AConstantDividedByAnActivationPassesRelevanceOn()
    {
        // y = W·(2 / x): the quotient is a function of x alone, so x gets its relevance whole (the quotient rule's
        // transpose would hand it over with its sign flipped).
        string path = new TinyModelBuilder(13).Input("x", null, 4).Output("y")
            .Initializer("two", [], [2f]).Initializer("w", [2, 4], Weights(8, 7))
            .Node("Div", ["two", "x"], ["q"]).Node("Gemm", ["q", "w"], ["y"], attributes: ("transB", 1L))
            .Save(_temp.File("quotient.onnx"));
        using OnnxModel model = OnnxModel.Load(path);

        Attribution a = AttributionMethods.Get("lrp").Attribute(model, new FloatTensor([1, 4], [0.5f, 1.5f, 2f, 4f]), ClassTarget.Class(0), new AttributionOptions { Composite = "epsilon", Epsilon = 1e-9 });

        Assert.Equal(a.TargetScores[0], a.Values.Data.Sum(v => (double)v), 4);
    }

    private static float[] Weights(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1))];
    }

    [Fact]
    public void LrpZeroEqualsInputTimesGradient()
    {
        using OnnxModel model = OnnxModel.Load(ResidualNet());
        FloatTensor x = Input(3);

        Attribution lrp = AttributionMethods.Get("lrp-epsilon").Attribute(model, x, ClassTarget.Class(1), new AttributionOptions { Epsilon = 0 });
        Attribution reference = AttributionMethods.Get("input-x-gradient").Attribute(model, x, ClassTarget.Class(1), new AttributionOptions());

        Assert.True(Numerics.RelativeL2(lrp.Values.Data, reference.Values.Data) < 1e-5, $"relative L2 {Numerics.RelativeL2(lrp.Values.Data, reference.Values.Data)}");
    }

    private static FloatTensor Input(int batch)
    {
        var random = new Random(4);
        var x = new FloatTensor(batch, 1, 8, 8);
        for (int i = 0; i < x.Data.Length; i++)
        {
            x.Data[i] = (float)((random.NextDouble() * 2) - 0.7);
        }

        return x;
    }

    /// <summary>Conv → ReLU → Conv → ReLU → Add(residual) → MaxPool → Conv → ReLU → GlobalAveragePool → Flatten → Gemm, no biases.</summary>
    private string ResidualNet()
    {
        var random = new Random(9);
        float[] Weights(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 0.8))];
        (string Name, object Value)[] same = [("pads", new long[] { 1, 1, 1, 1 })];
        return new TinyModelBuilder(opset: 17)
            .Input("x", null, 1, 8, 8).Output("y", null, 3)
            .Initializer("w1", [4, 1, 3, 3], Weights(36)).Initializer("w2", [4, 4, 3, 3], Weights(144))
            .Initializer("w3", [4, 4, 3, 3], Weights(144)).Initializer("w4", [4, 3], Weights(12))
            .Node("Conv", ["x", "w1"], ["c1"], "c1", same).Node("Relu", ["c1"], ["r1"], "r1")
            .Node("Conv", ["r1", "w2"], ["c2"], "c2", same).Node("Relu", ["c2"], ["r2"], "r2")
            .Node("Add", ["r1", "r2"], ["sum"], "residual")
            .Node("MaxPool", ["sum"], ["pooled"], "pool", ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }))
            .Node("Conv", ["pooled", "w3"], ["c3"], "c3", same).Node("Relu", ["c3"], ["r3"], "r3")
            .Node("GlobalAveragePool", ["r3"], ["gap"], "gap").Node("Flatten", ["gap"], ["flat"], "flatten")
            .Node("Gemm", ["flat", "w4"], ["y"], "dense")
            .Save(_temp.File("residual.onnx"));
    }
}
