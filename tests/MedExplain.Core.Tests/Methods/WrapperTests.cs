using Google.Protobuf;
using MedExplain.Methods;
using MedExplain.Methods.Gradient;
using MedExplain.Onnx;
using MedExplain.TestUtilities;
using Microsoft.ML.OnnxRuntime;

namespace MedExplain.Core.Tests.Methods;

/// <summary>SmoothGrad and Integrated Gradients over another single-pass method, against the definition computed from
/// that method's own maps: the mean over the same noisy copies, the quadrature over the same path points.</summary>
public sealed class WrapperTests : IDisposable
{
    private readonly OnnxModel _model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
    private readonly FloatTensor _scan;

    public WrapperTests() => _scan = MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-03-infarct.png"), _model.InputSpec);

    public void Dispose() => _model.Dispose();

    [Theory]
    [InlineData("lrp-epsilon")]
    [InlineData("input-x-gradient")]
    [InlineData("guided-backprop")]
    [InlineData("saliency")]
    public void SmoothGrad_OverAMethod_IsTheMeanOfItsMapsOfTheNoisyCopies(string inner)
    {
        var options = new AttributionOptions { Samples = 3, Noise = 0.2, Seed = 5, Over = inner };

        Attribution smooth = AttributionMethods.Get("smoothgrad").Attribute(_model, _scan, ClassTarget.Class(2), options);

        var expected = new double[_scan.ItemSize];
        var noise = new GaussianNoise(_scan.ItemSize);
        float sigma = (float)(0.2 * (_scan.Data.Max() - _scan.Data.Min()));
        for (int s = 0; s < 3; s++)
        {
            noise.Fill(new Random(SampleSeed.For(5, s)));
            var copy = new FloatTensor(_scan.Shape, [.. _scan.Data.Select((x, i) => x + (sigma * noise.Values[i]))]);
            Attribution map = AttributionMethods.Get(inner).Attribute(_model, copy, ClassTarget.Class(2), new AttributionOptions());
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] += map.Values.Data[i] / 3.0;
            }
        }

        Assert.Equal($"smoothgrad-over-{inner}", smooth.Method);
        Assert.True(Numerics.RelativeL2(smooth.Values.Data, [.. expected.Select(v => (float)v)]) < 1e-4, $"{inner}: {Numerics.RelativeL2(smooth.Values.Data, [.. expected.Select(v => (float)v)])}");
    }

    [Fact]
    public void IntegratedGradients_OverGuidedBackprop_IsTheQuadratureOfItsMapsTimesTheChange()
    {
        var options = new AttributionOptions { Steps = 4, Baseline = BaselineKind.Constant, BaselineValue = -0.5f, Over = "guided-backprop" };

        Attribution integrated = AttributionMethods.Get("integrated-gradients").Attribute(_model, _scan, ClassTarget.Class(1), options);

        (double[] alphas, double[] weights) = IntegrationRule.For(IntegrationKind.GaussLegendre, 4);
        var integral = new double[_scan.ItemSize];
        for (int k = 0; k < alphas.Length; k++)
        {
            var point = new FloatTensor(_scan.Shape, [.. _scan.Data.Select(x => (float)(-0.5 + (alphas[k] * (x + 0.5))))]);
            Attribution guided = AttributionMethods.Get("guided-backprop").Attribute(_model, point, ClassTarget.Class(1), new AttributionOptions());
            for (int i = 0; i < integral.Length; i++)
            {
                integral[i] += weights[k] * guided.Values.Data[i];
            }
        }

        float[] expected = [.. integral.Select((g, i) => (float)((_scan.Data[i] + 0.5) * g))];
        Assert.True(Numerics.RelativeL2(integrated.Values.Data, expected) < 1e-4, $"{Numerics.RelativeL2(integrated.Values.Data, expected)}");
        Assert.Equal("integrated-gradients-over-guided-backprop", integrated.Method);
    }

    [Theory]
    [InlineData("integrated-gradients", "lrp-epsilon")]
    [InlineData("integrated-gradients", "saliency")]
    [InlineData("smoothgrad", "grad-cam")]
    [InlineData("smoothgrad", "no-such-method")]
    public void Wrapper_OverAMethodItCannotRun_IsRefusedNamingTheParameter(string wrapper, string inner)
    {
        var e = Assert.Throws<MedExplainParameterException>(() =>
            AttributionMethods.Get(wrapper).Attribute(_model, _scan, ClassTarget.Class(1), new AttributionOptions { Steps = 2, Samples = 2, Over = inner }));

        Assert.Equal("over", e.Parameter);
    }

    [Fact]
    public void Export_IntegratedGradientsOverGuidedBackprop_GivesTheMethodsAttribution()
    {
        var options = new AttributionOptions { Steps = 3, Over = "guided-backprop" };
        Attribution expected = AttributionMethods.Get("integrated-gradients").Attribute(_model, _scan, ClassTarget.Class(2), options);

        byte[] saved = ExplanationGraphExport.Export(_model, "integrated-gradients", [1, 1, 128, 128], options).ToByteArray();

        using var session = new InferenceSession(saved);
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(_scan.Data, [1, 1, 128, 128]);
        using OrtValue seed = OrtValue.CreateTensorValueFromMemory(new float[] { 0, 0, 1 }, [1, 3]);
        using OrtValue reference = OrtValue.CreateTensorValueFromMemory(new float[_scan.Data.Length], [1, 1, 128, 128]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, ["image", "seed", "baseline"], [input, seed, reference], [ExplanationGraphExport.AttributionOutput]);
        Assert.True(Numerics.RelativeL2(results[0].GetTensorDataAsSpan<float>(), expected.Values.Data) < 1e-5);
    }
}
