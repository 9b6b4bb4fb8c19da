namespace MedExplain.Onnx.Backward.Rules.Lrp;

/// <summary>
/// The positive (or negative) contributions of a layer's inputs, the building block of z⁺ and αβ:
/// positive = W⁺x⁺ + W⁻x⁻ (+ b⁺), negative = W⁻x⁺ + W⁺x⁻ (+ b⁻); only the first term carries the bias part, as in Zennit.
/// </summary>
/// <param name="Layer">The layer.</param>
/// <param name="XPositive">x⁺.</param>
/// <param name="XNegative">x⁻, or null when the input cannot be negative (its terms vanish).</param>
/// <param name="WFirst">The weights applied to x⁺ (W⁺ for the positive part, W⁻ for the negative).</param>
/// <param name="WSecond">The weights applied to x⁻.</param>
/// <param name="Z">The denominator: the sum of both terms.</param>
internal sealed record PositiveContributions(LrpLayer Layer, string XPositive, string? XNegative, string WFirst, string WSecond, string Z)
{
    /// <summary>The positive contributions, optionally with scaled weights W + γ·W± (the γ rule).</summary>
    public static PositiveContributions Of(LrpLayer layer, float gamma = 0) => Build(layer, positive: true, gamma);

    /// <summary>The negative contributions, optionally with scaled weights.</summary>
    public static PositiveContributions Negative(LrpLayer layer, float gamma = 0) => Build(layer, positive: false, gamma);

    /// <summary>x⁺ ⊙ W₁ᵀs + x⁻ ⊙ W₂ᵀs.</summary>
    public string Relevance(string s) => XNegative is null
        ? Layer.Contribution(XPositive, WFirst, s)
        : Layer.Emit.Binary("Add", Layer.Contribution(XPositive, WFirst, s), Layer.Contribution(XNegative, WSecond, s));

    private static PositiveContributions Build(LrpLayer layer, bool positive, float gamma)
    {
        BackwardEmitter emit = layer.Emit;
        bool nonNegative = layer.NonNegativeInput;
        string xPositive = nonNegative ? layer.X : layer.Part(layer.X, positive: true);
        string? xNegative = nonNegative ? null : layer.Part(layer.X, positive: false);

        // γ = 0: plain clamped weights. γ > 0: W + γ·W⁺ (or W⁻), Zennit's GammaMod.
        string Weights(bool positivePart) => gamma == 0
            ? layer.Part(layer.W, positivePart)
            : emit.Binary("Add", layer.W, emit.Binary("Mul", layer.Part(layer.W, positivePart), emit.Scalar(gamma)));
        string? Bias(bool positivePart) => layer.B is not { } b ? null : gamma == 0
            ? layer.Part(b, positivePart)
            : emit.Binary("Add", b, emit.Binary("Mul", layer.Part(b, positivePart), emit.Scalar(gamma)));

        string wFirst = Weights(positive), wSecond = Weights(!positive);
        string first = layer.Forward(xPositive, wFirst, Bias(positive));
        string z = xNegative is null ? first : emit.Binary("Add", first, layer.Forward(xNegative, wSecond, null));
        return new PositiveContributions(layer, xPositive, xNegative, wFirst, wSecond, z);
    }
}
