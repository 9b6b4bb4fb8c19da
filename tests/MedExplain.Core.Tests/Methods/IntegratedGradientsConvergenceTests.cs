using MedExplain.Imaging.Npy;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.TestUtilities;
using Xunit.Abstractions;

namespace MedExplain.Core.Tests.Methods;

public sealed class IntegratedGradientsConvergenceTests(ITestOutputHelper output)
{
    [Fact]
    public void IntegratedGradients_OneRightEndpointStepFromZero_EqualsInputTimesGradient()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        FloatTensor scan = MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-02-tumour.png"), model.InputSpec);

        Attribution ig = AttributionMethods.Get("integrated-gradients").Attribute(model, scan, ClassTarget.Predicted,
            new AttributionOptions { Steps = 1, Integration = IntegrationKind.RiemannRight });
        Attribution ixg = AttributionMethods.Get("input-x-gradient").Attribute(model, scan, ClassTarget.Predicted, new AttributionOptions());

        Assert.True(Numerics.RelativeL2(ig.Values.Data, ixg.Values.Data) < 1e-6);
    }

    [Fact]
    public void SmoothGrad_ZeroNoise_EqualsTheGradient()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        FloatTensor scan = MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-06-infarct.png"), model.InputSpec);

        Attribution smooth = AttributionMethods.Get("smoothgrad").Attribute(model, scan, ClassTarget.Predicted, new AttributionOptions { Noise = 0, Samples = 4 });
        Attribution gradient = AttributionMethods.Get("gradient").Attribute(model, scan, ClassTarget.Predicted, new AttributionOptions());

        Assert.True(Numerics.RelativeL2(smooth.Values.Data, gradient.Values.Data) < 1e-6);
    }

    [Fact]
    public void IntegratedGradients_MoreSteps_ShrinkTheGapAndGaussLegendreNeedsFewerThanRiemann()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData("zoo/smooth-head.onnx"));
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("zoo/smooth-head.input.npy")).Slice(0, 1);

        double Gap(IntegrationKind kind, int steps)
        {
            Attribution a = AttributionMethods.Get("integrated-gradients").Attribute(model, input, ClassTarget.Class(1),
                new AttributionOptions { Steps = steps, Integration = kind });
            double gap = Math.Abs(a.Diagnostics[Diagnostic.CompletenessGap][0]);
            output.WriteLine($"{kind,-16} {steps,3} steps: |gap| {gap:E2} (score {a.TargetScores[0]:F4})");
            return gap;
        }

        double[] riemann = [Gap(IntegrationKind.RiemannMiddle, 2), Gap(IntegrationKind.RiemannMiddle, 8), Gap(IntegrationKind.RiemannMiddle, 32)];
        double[] gauss = [Gap(IntegrationKind.GaussLegendre, 2), Gap(IntegrationKind.GaussLegendre, 4), Gap(IntegrationKind.GaussLegendre, 8)];

        Assert.True(riemann[0] > riemann[1] && riemann[1] > riemann[2], "Riemann gaps must shrink with steps");
        Assert.True(gauss[2] < riemann[2], "8 Gauss–Legendre nodes must beat 32 midpoint steps");
    }

    [Fact]
    public void Attribute_BatchOfN_EqualsNSingleCalls()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
        FloatTensor batch = FloatTensor.Concatenate([.. new[] { "2d/slice-01-normal.png", "2d/slice-02-tumour.png", "2d/slice-03-infarct.png" }
            .Select(s => MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan(s), model.InputSpec))]);
        var options = new AttributionOptions { Steps = 4, Samples = 3, Seed = 11 };

        foreach (string method in new[] { "gradient", "integrated-gradients", "smoothgrad" })
        {
            Attribution together = AttributionMethods.Get(method).Attribute(model, batch, ClassTarget.Predicted, options);
            for (int i = 0; i < 3; i++)
            {
                Attribution alone = AttributionMethods.Get(method).Attribute(model, batch.Slice(i, 1), ClassTarget.Class(together.TargetClasses[i]), options);
                Assert.True(Numerics.RelativeL2(together.Values.Item(i), alone.Values.Data) < 1e-5, $"{method} item {i}");
            }
        }
    }
}
