using MedExplain.Methods;
using MedExplain.Methods.Propagation;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Methods;

/// <summary>The typed settings reach every registered method and give the maps the by-name registry gives for the same
/// options.</summary>
public sealed class MethodSettingsTests : IDisposable
{
    private static readonly FloatTensor Background = new([2, 1, 128, 128]);
    private static readonly PatternSet NoPatterns = new(new Dictionary<string, FloatTensor>(), new Dictionary<string, long>());

    private readonly OnnxModel _model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));
    private readonly FloatTensor _scan;

    public MethodSettingsTests() => _scan = MedExplain.Imaging.ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-03-infarct.png"), _model.InputSpec);

    public void Dispose() => _model.Dispose();

    /// <summary>One settings record per way of reaching a method.</summary>
    private static MethodSettings[] Every() =>
    [
        new PlainGradient(), new Saliency(), new InputXGradient(), new GuidedBackprop(), new DeconvNet(),
        new IntegratedGradients(), new ExpectedGradients(Background),
        new SmoothGrad(), new SmoothGrad { Combine = NoiseCombination.MeanOfSquares }, new SmoothGrad { Combine = NoiseCombination.Variance },
        new ClassActivationMap { Kind = CamKind.ActivationMap }, new ClassActivationMap { Kind = CamKind.Cam }, new ClassActivationMap(),
        new ClassActivationMap { Kind = CamKind.GradCamPlusPlus }, new GuidedGradCam(),
        new Lrp(), new DeepTaylor(), new DeepLift(), new DeepLift { RevealCancel = true }, new DeepShap(Background),
        new PatternNet(NoPatterns), new PatternAttribution(NoPatterns),
        new Occlusion(), new Regions(), new Regions { Estimator = RegionEstimator.ShapleySampling }, new Regions { Estimator = RegionEstimator.KernelShap },
        new Regions { Estimator = RegionEstimator.Lime }, new Rise(),
        new AttentionMap { Kind = AttentionKind.Raw }, new AttentionMap { Kind = AttentionKind.Rollout }, new AttentionMap(),
    ];

    [Fact]
    public void Settings_ReachEveryRegisteredMethod_ExceptTheLrpShorthands()
    {
        string[] shorthands = ["lrp-alpha-beta", "lrp-epsilon", "lrp-transformer", "lrp-zplus"]; // new Lrp { Composite = … } covers them
        Assert.Equal(AttributionMethods.Names.Except(shorthands).Order(StringComparer.Ordinal), Every().Select(s => s.Name).Order(StringComparer.Ordinal));
        Type[] records = [.. typeof(MethodSettings).Assembly.GetExportedTypes().Where(t => t.IsSubclassOf(typeof(MethodSettings)) && !t.IsAbstract)];
        Assert.Equal(records.Select(t => t.Name).Order(StringComparer.Ordinal), Every().Select(s => s.GetType().Name).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void IntegratedGradients_Typed_GivesTheMapOfTheSameOptionsByName()
    {
        var typed = new IntegratedGradients { Steps = 6, Baseline = Baseline.Constant(-0.5f), Integration = IntegrationKind.RiemannMiddle };
        var byName = new AttributionOptions { Steps = 6, Baseline = BaselineKind.Constant, BaselineValue = -0.5f, Integration = IntegrationKind.RiemannMiddle };

        AssertSameMap(typed.Attribute(_model, _scan, ClassTarget.Class(2)), AttributionMethods.Get("integrated-gradients").Attribute(_model, _scan, ClassTarget.Class(2), byName));
    }

    [Fact]
    public void SmoothGrad_OverTypedLrp_GivesTheMapOfTheSameOptionsByName()
    {
        var typed = new SmoothGrad { Samples = 2, Noise = 0.1, Seed = 3, Over = new Lrp { Composite = Composites.Epsilon, Epsilon = 1e-3 } };
        var byName = new AttributionOptions { Samples = 2, Noise = 0.1, Seed = 3, Over = "lrp", Composite = "epsilon", Epsilon = 1e-3 };

        Attribution a = typed.Attribute(_model, _scan, ClassTarget.Class(1));

        AssertSameMap(a, AttributionMethods.Get("smoothgrad").Attribute(_model, _scan, ClassTarget.Class(1), byName));
        Assert.Equal("smoothgrad-over-lrp", a.Method);
    }

    [Fact]
    public void Regions_KernelShapTyped_GivesTheMapOfTheSameOptionsByName()
    {
        var typed = new Regions { Estimator = RegionEstimator.KernelShap, Samples = 24, Baseline = Baseline.Mean, Seed = 1 };
        var byName = new AttributionOptions { Samples = 24, Baseline = BaselineKind.Mean, Seed = 1 };

        AssertSameMap(typed.Attribute(_model, _scan, ClassTarget.Class(0)), AttributionMethods.Get("kernel-shap").Attribute(_model, _scan, ClassTarget.Class(0), byName));
    }

    [Fact]
    public void Settings_OutOfRange_AreRefusedNamingTheParameter()
    {
        Assert.Equal("steps", Assert.Throws<MedExplainParameterException>(() => new IntegratedGradients { Steps = 0 }.ToOptions()).Parameter);
        Assert.Equal("baseline", Assert.Throws<MedExplainParameterException>(() => new IntegratedGradients { Baseline = Baseline.Blur(-1) }.ToOptions()).Parameter);
        Assert.Equal("samples", Assert.Throws<MedExplainParameterException>(() => new SmoothGrad { Over = new GuidedBackprop(), Samples = 0 }.ToOptions()).Parameter);
    }

    private static void AssertSameMap(Attribution typed, Attribution byName)
    {
        Assert.Equal(byName.Values.Shape, typed.Values.Shape);
        Assert.Equal(byName.Values.Data, typed.Values.Data);
    }
}
