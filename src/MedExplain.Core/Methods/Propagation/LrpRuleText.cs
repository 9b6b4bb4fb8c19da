using System.Globalization;
using MedExplain.Onnx.Backward;
using MedExplain.Onnx.Backward.Rules.Lrp;

namespace MedExplain.Methods.Propagation;

/// <summary>LRP rules by name, as users write them in composites and --rule-override NODE=RULE.</summary>
/// <remarks>
/// epsilon[:E] · zero (LRP-0) · zplus · alpha1-beta0 · alpha2-beta1 · gamma[:G] · flat · w-square · zbox[:LOW:HIGH].
/// </remarks>
public static class LrpRuleText
{
    /// <summary>Gets the rule names, for help texts.</summary>
    public const string Names = "epsilon[:E], zero, zplus, alpha1-beta0, alpha2-beta1, gamma[:G], flat, w-square, zbox[:LOW:HIGH]";

    /// <summary>Parses a rule.</summary>
    /// <param name="text">The rule as written.</param>
    /// <param name="epsilon">The ε used when "epsilon" gives none.</param>
    /// <param name="box">The z^B bounds used when "zbox" gives none (null: each item's own range).</param>
    /// <exception cref="MedExplainInputException">The text names no rule.</exception>
    public static IBackwardRule Parse(string text, double epsilon = 1e-6, (float Low, float High)? box = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(':');
        float Number(int index, double fallback) => parts.Length > index
            ? float.TryParse(parts[index], NumberStyles.Float, CultureInfo.InvariantCulture, out float value) ? value : throw Bad(text)
            : (float)fallback;
        return parts[0] switch
        {
            "epsilon" => new LrpEpsilonRule(Number(1, epsilon)),
            "zero" => new LrpEpsilonRule(0),
            "zplus" or "alpha1-beta0" => new LrpZPlusRule(),
            "alpha2-beta1" => new LrpAlphaBetaRule(2, 1),
            "gamma" => new LrpGammaRule(Number(1, 0.25)),
            "flat" => new LrpFlatRule(),
            "w-square" => new LrpWSquareRule(),
            "zbox" when parts.Length == 3 => new LrpZBoxRule(Number(1, 0), Number(2, 0)),
            "zbox" => new LrpZBoxRule(box?.Low, box?.High),
            _ => throw Bad(text),
        };
    }

    private static MedExplainParameterException Bad(string text) => new("rule-override", $"'{text}' is not an LRP rule; the rules are: {Names}.");
}
