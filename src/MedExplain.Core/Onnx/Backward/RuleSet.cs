using System.Collections.Frozen;
using MedExplain.Onnx.Backward.Rules;

namespace MedExplain.Onnx.Backward;

/// <summary>A named choice of backward rule per op type: plain gradients, or a modified backward pass.</summary>
/// <param name="Name">The set's name, used in cache keys and messages.</param>
/// <param name="Rules">The rule for each op type.</param>
public sealed record RuleSet(string Name, FrozenDictionary<string, IBackwardRule> Rules)
{
    /// <summary>Gets the exact gradient of every covered op.</summary>
    public static RuleSet Gradient { get; } = new("gradient", GradientRules.All.ToFrozenDictionary());

    /// <summary>Gets Guided Backprop: ReLU passes only positive signal, and only where its input was positive.</summary>
    public static RuleSet GuidedBackprop { get; } = Gradient.With("guided-backprop", "Relu", new GuidedReluRule());

    /// <summary>Gets DeConvNet: ReLU passes only positive signal, whatever its input was.</summary>
    public static RuleSet DeConvNet { get; } = Gradient.With("deconvnet", "Relu", new DeconvReluRule());

    /// <summary>The rule for an op type, or null when the set has none.</summary>
    /// <param name="opType">The op type.</param>
    public IBackwardRule? For(string opType) => Rules.GetValueOrDefault(opType);

    /// <summary>A copy of this set with one op's rule replaced.</summary>
    /// <param name="name">The new set's name.</param>
    /// <param name="opType">The op type.</param>
    /// <param name="rule">Its rule.</param>
    public RuleSet With(string name, string opType, IBackwardRule rule) =>
        new(name, Rules.Where(r => r.Key != opType).Append(new(opType, rule)).ToFrozenDictionary());
}
