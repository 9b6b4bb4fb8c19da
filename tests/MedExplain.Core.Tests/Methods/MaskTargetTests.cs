using MedExplain.Imaging.Npy;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Methods;

/// <summary>Segmentation targets: a mask over the output instead of a class, checked on the zoo U-Net against torch.</summary>
public sealed class MaskTargetTests
{
    private static readonly string Model = RepoPaths.TestData("zoo/unet-segmentation.onnx");

    [Fact]
    public void Gradient_MaskOverASegmentationOutput_MatchesTorchAutograd()
    {
        using OnnxModel model = OnnxModel.Load(Model);
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("zoo/unet-segmentation.input.npy"));
        var options = new AttributionOptions { TargetMask = NpyReader.Read(RepoPaths.TestData("zoo/unet-segmentation.seed.npy")) };

        Attribution a = AttributionMethods.Get("gradient").Attribute(model, input, ClassTarget.Predicted, options);

        Assert.True(Numerics.RelativeL2(a.Values.Data, NpyReader.Read(RepoPaths.TestData("zoo/unet-segmentation.grad.npy")).Data) < 1e-4);
        Assert.Equal([-1, -1], a.TargetClasses);
    }

    [Fact]
    public void IntegratedGradients_MaskTarget_IsCompleteUpToTheQuadratureError()
    {
        using OnnxModel model = OnnxModel.Load(Model);
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("zoo/unet-segmentation.input.npy")).Slice(0, 1);
        FloatTensor mask = NpyReader.Read(RepoPaths.TestData("zoo/unet-segmentation.seed.npy")).Slice(0, 1);

        Attribution a = AttributionMethods.Get("integrated-gradients").Attribute(model, input, ClassTarget.Predicted,
            new AttributionOptions { TargetMask = mask, Steps = 128, Integration = IntegrationKind.RiemannMiddle });

        float score = a.TargetScores[0];
        Assert.True(Math.Abs(a.Diagnostics[Diagnostic.CompletenessGap][0]) < 0.02 * Math.Abs(score) + 1e-3, $"gap {a.Diagnostics[Diagnostic.CompletenessGap][0]} for Σ mask ⊙ output {score}");
    }

    [Fact]
    public void ClassTarget_OnASegmentationOutput_AsksForAMask()
    {
        using OnnxModel model = OnnxModel.Load(Model);
        FloatTensor input = NpyReader.Read(RepoPaths.TestData("zoo/unet-segmentation.input.npy"));

        var error = Assert.Throws<MedExplainInputException>(() => AttributionMethods.Get("gradient").Attribute(model, input, ClassTarget.Class(1), new AttributionOptions()));

        Assert.Contains("target mask", error.Message, StringComparison.Ordinal);
    }
}
