namespace MedExplain.Methods;

/// <summary>How Integrated Gradients places and weights its path points on [0, 1].</summary>
public enum IntegrationKind
{
    /// <summary>Left Riemann sum: α = k/m, k = 0 … m−1.</summary>
    RiemannLeft,

    /// <summary>Right Riemann sum: α = k/m, k = 1 … m.</summary>
    RiemannRight,

    /// <summary>Midpoint rule: α = (k + ½)/m.</summary>
    RiemannMiddle,

    /// <summary>Trapezoid rule: α = k/(m−1), halved end weights.</summary>
    RiemannTrapezoid,

    /// <summary>Gauss–Legendre quadrature with m nodes: exact for polynomials of degree 2m−1.</summary>
    GaussLegendre,
}
