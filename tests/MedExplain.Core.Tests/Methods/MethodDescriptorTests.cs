using MedExplain.Methods;

namespace MedExplain.Core.Tests.Methods;

/// <summary>The descriptors are the one source of method facts: every consumer must find what it reads there.</summary>
public sealed class MethodDescriptorTests
{
    [Fact]
    public void EveryMethod_HasOneDescriptorWithASummary()
    {
        Assert.Equal(AttributionMethods.Names, AttributionMethods.Descriptors.Select(d => d.Name));
        Assert.All(AttributionMethods.Descriptors, d => Assert.True(d.Summary.Length > 20 && d.Summary.EndsWith('.'), d.Name));
        Assert.All(AttributionMethods.Names, n => Assert.Equal(n, AttributionMethods.Get(n).Name));
    }

    [Fact]
    public void Facts_AgreeWithWhatTheMethodsDo()
    {
        Assert.Equal(["deconvnet", "gradient", "guided-backprop", "input-x-gradient", "integrated-gradients", "saliency"], ExplanationGraphExport.Methods);
        Assert.Equal(["deconvnet", "gradient", "guided-backprop"], AttributionMethods.Descriptors.Where(d => d.IsModifiedGradient).Select(d => d.Name));
        Assert.Equal(["integrated-gradients", "smoothgrad", "smoothgrad-sq", "vargrad"], AttributionMethods.Descriptors.Where(d => d.Wraps).Select(d => d.Name));
        Assert.Equal(MethodRequirements.Background, AttributionMethods.Describe("deepshap").Requires);
        Assert.Equal(MethodRequirements.Patterns, AttributionMethods.Describe("patternnet").Requires);
    }

    [Fact]
    public void Summary_OfAWrapper_SaysWhatItWraps()
    {
        string summary = AttributionMethods.Summarize("smoothgrad", "lrp-epsilon");

        Assert.Contains(AttributionMethods.Describe("lrp-epsilon").Summary, summary, StringComparison.Ordinal);
        Assert.Equal("smoothgrad-over-lrp-epsilon", AttributionMethods.Label("smoothgrad", "lrp-epsilon"));
        Assert.Equal("grad-cam", AttributionMethods.Label("grad-cam", "lrp-epsilon"));
    }
}

/// <summary>Which methods' maps carry a sign: decided by the method, for the colour map of every figure.</summary>
public sealed class MapSignTests
{
    [Theory]
    [InlineData("occlusion", null, true)]
    [InlineData("integrated-gradients", null, true)]
    [InlineData("saliency", null, false)]
    [InlineData("grad-cam", null, false)]
    [InlineData("smoothgrad", null, true)]
    [InlineData("smoothgrad", "saliency", false)]
    [InlineData("vargrad", "lrp-epsilon", false)]
    public void CarriesSign_FollowsTheMethod(string method, string? over, bool expected)
    {
        Assert.Equal(expected, AttributionMethods.CarriesSign(method, over));
    }
}
