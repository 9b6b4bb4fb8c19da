using MedExplain.Methods;
using MedExplain.Metrics;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Metrics;

/// <summary>Infidelity, max-sensitivity and repeatability on cases with known answers.</summary>
public sealed class RobustnessTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void OnALinearModelTheGradientHasZeroInfidelityAndZeroSensitivity()
    {
        using OnnxModel model = OnnxModel.Load(TinyModels.Linear().Save(_temp.File("linear.onnx")));
        var x = new FloatTensor([1, 1, 2, 2], [1.5f, -2, 0.5f, 3]);
        var options = new AttributionOptions { Seed = 5 };
        IAttributionMethod gradient = AttributionMethods.Get("gradient");
        float[] map = gradient.Attribute(model, x, ClassTarget.Class(0), options).Values.Data;
        var faithfulness = new Faithfulness(model, options);

        Assert.True(faithfulness.Infidelity(x, map, 0, samples: 20, sigma: 0.5) < 1e-8);
        Assert.True(faithfulness.Infidelity(x, [.. map.Reverse()], 0, samples: 20, sigma: 0.5) > 0.01, "a wrong map must score worse");
        Assert.True(Robustness.MaxSensitivity(gradient, model, x, 0, options, radius: 0.2, samples: 5) < 1e-6, "a linear model's gradient does not move");
        Assert.True(Robustness.MaxSensitivity(AttributionMethods.Get("input-x-gradient"), model, x, 0, options, radius: 0.2, samples: 5) > 0.001);
    }

    [Fact]
    public void ADeterministicMethodRepeatsExactlyAndANoisyOneDoesNot()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        FloatTensor x = MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-02-tumour.png"), model.InputSpec);
        float[] Run(string method, int seed) => AttributionMethods.Get(method).Attribute(model, x, ClassTarget.Class(1), new AttributionOptions { Seed = seed, Samples = 4 }).Values.Data;

        Assert.Equal(0, Robustness.Repeatability([Run("gradient", 1), Run("gradient", 2), Run("gradient", 3)]));
        Assert.True(Robustness.Repeatability([Run("smoothgrad", 1), Run("smoothgrad", 2)]) > 0);
    }
}
