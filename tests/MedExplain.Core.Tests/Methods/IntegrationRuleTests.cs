using MedExplain.Methods;
using MedExplain.Methods.Gradient;

namespace MedExplain.Core.Tests.Methods;

public sealed class IntegrationRuleTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void GaussLegendre_IntegratesPolynomialsOfDegree2nMinus1Exactly(int nodes)
    {
        (double[] alphas, double[] weights) = IntegrationRule.For(IntegrationKind.GaussLegendre, nodes);

        for (int degree = 0; degree <= (2 * nodes) - 1; degree++)
        {
            double quadrature = alphas.Zip(weights).Sum(p => p.Second * Math.Pow(p.First, degree));
            Assert.Equal(1.0 / (degree + 1), quadrature, 12);
        }
    }

    [Theory]
    [InlineData(IntegrationKind.RiemannLeft, new[] { 0, 0.25, 0.5, 0.75 })]
    [InlineData(IntegrationKind.RiemannRight, new[] { 0.25, 0.5, 0.75, 1 })]
    [InlineData(IntegrationKind.RiemannMiddle, new[] { 0.125, 0.375, 0.625, 0.875 })]
    [InlineData(IntegrationKind.RiemannTrapezoid, new[] { 0, 1 / 3.0, 2 / 3.0, 1 })]
    public void Riemann_PlacesPointsWhereTheRuleSays(IntegrationKind kind, double[] expected)
    {
        (double[] alphas, double[] weights) = IntegrationRule.For(kind, 4);

        Assert.Equal(expected, alphas, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(1, weights.Sum(), 12);
    }
}
