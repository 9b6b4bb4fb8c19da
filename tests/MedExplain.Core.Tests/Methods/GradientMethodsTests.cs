using MedExplain.Methods;
using MedExplain.Methods.Gradient;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Methods;

/// <summary>Gradient-family methods against closed forms on models whose gradients are known by hand.</summary>
public sealed class GradientMethodsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly OnnxModel _linear;
    private readonly FloatTensor _inputs = new([3, 1, 2, 2], [0.5f, -1, 2, 0.25f, 1, 1, -1, 0, -0.5f, 0.75f, 0.1f, 3]);

    public GradientMethodsTests() => _linear = OnnxModel.Load(TinyModels.Linear().Save(_dir.File("linear.onnx")));

    public void Dispose()
    {
        _linear.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("gradient")]
    [InlineData("saliency")]
    [InlineData("input-x-gradient")]
    [InlineData("guided-backprop")]
    [InlineData("deconvnet")]
    [InlineData("smoothgrad")]
    public void Attribute_LinearModel_MatchesTheWeightsOfTheTargetClass(string method)
    {
        Attribution a = AttributionMethods.Get(method).Attribute(_linear, _inputs, ClassTarget.Class(2), new AttributionOptions { Samples = 8, Noise = 0.3 });

        for (int item = 0; item < 3; item++)
        {
            for (int p = 0; p < 4; p++)
            {
                float w = TinyModels.LinearWeights[8 + p], x = _inputs.Item(item)[p];
                float expected = method switch { "saliency" => Math.Abs(w), "input-x-gradient" => w * x, _ => w };
                Assert.Equal(expected, a.Values.Item(item)[p], 5);
            }
        }

        Assert.Equal([2, 2, 2], a.TargetClasses);
    }

    [Fact]
    public void VarGrad_LinearModel_IsZero()
    {
        Attribution a = AttributionMethods.Get("vargrad").Attribute(_linear, _inputs, ClassTarget.Predicted, new AttributionOptions { Samples = 6 });

        Assert.All(a.Values.Data, v => Assert.Equal(0, v, 6));
    }

    [Theory]
    [InlineData(IntegrationKind.RiemannLeft, BaselineKind.Zeros)]
    [InlineData(IntegrationKind.RiemannRight, BaselineKind.Constant)]
    [InlineData(IntegrationKind.RiemannMiddle, BaselineKind.Uniform)]
    [InlineData(IntegrationKind.RiemannTrapezoid, BaselineKind.Blur)]
    [InlineData(IntegrationKind.GaussLegendre, BaselineKind.Zeros)]
    public void IntegratedGradients_LinearModel_EqualsInputMinusBaselineTimesWeights(IntegrationKind integration, BaselineKind baseline)
    {
        var options = new AttributionOptions { Steps = 5, Integration = integration, Baseline = baseline, BaselineValue = 0.3f, BlurSigma = 1, Seed = 4 };

        Attribution a = AttributionMethods.Get("integrated-gradients").Attribute(_linear, _inputs, ClassTarget.Class(1), options);

        FloatTensor b = Baselines.For(_inputs, options); // whatever the baseline, IG of a linear model is (x − b)·w
        for (int item = 0; item < 3; item++)
        {
            for (int p = 0; p < 4; p++)
            {
                float expected = (_inputs.Item(item)[p] - b.Item(item)[p]) * TinyModels.LinearWeights[4 + p];
                Assert.Equal(expected, a.Values.Item(item)[p], 5);
            }
        }

        Assert.All(a.Diagnostics[Diagnostic.CompletenessGap], gap => Assert.Equal(0, gap, 4));
    }

    [Fact]
    public void ExpectedGradients_LinearModelOneBackgroundItem_EqualsInputMinusBackgroundTimesWeights()
    {
        var background = new FloatTensor([1, 1, 2, 2], [0.2f, 0.4f, -0.6f, 0.8f]);

        Attribution a = AttributionMethods.Get("expected-gradients").Attribute(_linear, _inputs, ClassTarget.Class(0), new AttributionOptions { Background = background, Samples = 5 });

        for (int item = 0; item < 3; item++)
        {
            for (int p = 0; p < 4; p++)
            {
                Assert.Equal((_inputs.Item(item)[p] - background.Data[p]) * TinyModels.LinearWeights[p], a.Values.Item(item)[p], 5);
            }
        }
    }

    [Fact]
    public void GuidedBackpropAndDeConvNet_ReluNetwork_MatchTheirClosedForms()
    {
        // x (4) → W1 (3×4) → ReLU → W2 (2×3) → y. For class c, with h = W1·x:
        // gradient = W1ᵀ[(h > 0) ⊙ W2[c]], guided = W1ᵀ[(h > 0) ⊙ max(W2[c], 0)], deconvnet = W1ᵀ[max(W2[c], 0)].
        float[] w1 = [1, -1, 0.5f, 0.2f, -0.3f, 0.8f, 1, -0.4f, 0.6f, 0.1f, -0.9f, 0.7f];
        float[] w2 = [0.5f, -1.5f, 2, -0.7f, 0.3f, -0.2f];
        string path = new TinyModelBuilder().Input("x", null, 4).Output("y", null, 2)
            .Initializer("w1", [3, 4], w1).Initializer("w2", [2, 3], w2)
            .Node("Gemm", ["x", "w1"], ["h"], attributes: ("transB", 1L)).Node("Relu", ["h"], ["r"])
            .Node("Gemm", ["r", "w2"], ["y"], attributes: ("transB", 1L))
            .Save(_dir.File("relu.onnx"));
        using OnnxModel model = OnnxModel.Load(path);
        var x = new FloatTensor([1, 4], [1, 0.5f, -0.5f, 2]);
        float[] h = [.. Enumerable.Range(0, 3).Select(j => Enumerable.Range(0, 4).Sum(i => w1[(j * 4) + i] * x.Data[i]))];

        foreach ((string method, Func<int, float> upstream) in new (string, Func<int, float>)[]
        {
            ("gradient", j => h[j] > 0 ? w2[j] : 0),
            ("guided-backprop", j => h[j] > 0 ? Math.Max(w2[j], 0) : 0),
            ("deconvnet", j => Math.Max(w2[j], 0)),
        })
        {
            Attribution a = AttributionMethods.Get(method).Attribute(model, x, ClassTarget.Class(0), new AttributionOptions());
            float[] expected = [.. Enumerable.Range(0, 4).Select(i => Enumerable.Range(0, 3).Sum(j => w1[(j * 4) + i] * upstream(j)))];
            Assert.Equal(expected, a.Values.Data, (p, q) => Math.Abs(p - q) < 1e-5f);
        }

        Assert.True(h.Any(v => v <= 0) && w2[..3].Any(v => v < 0), "the closed forms must differ for the test to mean something");
    }

    [Fact]
    public void Get_UnknownMethod_ListsTheKnownOnes()
    {
        var error = Assert.Throws<MedExplainParameterException>(() => AttributionMethods.Get("lime-juice"));

        Assert.Contains("integrated-gradients", error.Message, StringComparison.Ordinal);
    }
}
