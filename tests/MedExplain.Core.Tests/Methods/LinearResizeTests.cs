using MedExplain.Methods.Cam;

namespace MedExplain.Core.Tests.Methods;

public sealed class LinearResizeTests
{
    [Fact]
    public void Apply_TwoToFour_UsesHalfPixelCentresLikeTorchInterpolate()
    {
        // torch.nn.functional.interpolate([0, 1], size=4, mode="linear", align_corners=False) = [0, 0.25, 0.75, 1].
        Assert.Equal([0f, 0.25f, 0.75f, 1f], LinearResize.Apply([0, 1], [2], [4]));
    }

    [Fact]
    public void Apply_SeparableIn2d_InterpolatesEachAxis()
    {
        float[] result = LinearResize.Apply([0, 1, 2, 3], [2, 2], [4, 4]);

        Assert.Equal([0f, 0.25f, 0.75f, 1f], result[..4]);
        Assert.Equal([2f, 2.25f, 2.75f, 3f], result[12..]);
    }
}
