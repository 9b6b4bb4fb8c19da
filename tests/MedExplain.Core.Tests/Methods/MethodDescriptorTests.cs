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
