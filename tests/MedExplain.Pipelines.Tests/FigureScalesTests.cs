using MedExplain.Methods;
using MedExplain.Pipelines;

namespace MedExplain.Pipelines.Tests;

/// <summary>Methods whose voxels add up to the score share a colour scale in a figure; the others keep their own, and
/// each column's scale spans its maps down the column.</summary>
public sealed class FigureScalesTests
{
    [Fact]
    public void MethodsThatAddUpToTheScoreShareOneScaleAndTheOthersKeepTheirOwn()
    {
        MethodMap Map(string method, float peak) => new(method, 0, 1, [peak, 0, 0, 0], 0, new Dictionary<Diagnostic, float>())
        {
            CarriesSign = AttributionMethods.CarriesSign(method, null),
            AddsUpToScore = AttributionMethods.AddsUpToScore(method, null),
        };

        FigureScales figure = FigureScales.For([
            [Map("integrated-gradients", 2), Map("integrated-gradients", 1)],
            [Map("deeplift", 5)],
            [Map("grad-cam", 0.5f)],
        ]);

        Assert.Equal(figure.Scales[0], figure.Scales[1]);
        Assert.Equal(5, figure.Scales[0].Max);           // the largest over both methods' maps
        Assert.Equal(0.5f, figure.Scales[2].Max);        // grad-cam on its own
        Assert.False(figure.Scales[2].Diverging);
        Assert.Equal("integrated-gradients and deeplift add up to the score: one colour scale for them.", figure.Note);
    }

    [Fact]
    public void IntegratedGradientsOverAModifiedGradientDoesNotAddUpToTheScore()
    {
        Assert.True(AttributionMethods.AddsUpToScore("integrated-gradients", null));
        Assert.False(AttributionMethods.AddsUpToScore("integrated-gradients", "guided-backprop"));
        Assert.False(AttributionMethods.AddsUpToScore("shapley-sampling", null));
    }
}
