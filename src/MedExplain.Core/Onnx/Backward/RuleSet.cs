using System.Collections.Frozen;
using MedExplain.Onnx.Backward.Rules;
using Onnx;

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

    /// <summary>Gets per-node rules that take precedence over the op-type rules (LRP composites choose by layer position
    /// and name); null when the op type alone decides. They must be fixed for a given <see cref="Name"/>, which keys caches.</summary>
    public Func<NodeProto, IBackwardRule?>? NodeRules { get; init; }

    /// <summary>Gets a value indicating whether the rules compare with a reference input (DeepLIFT): the compiled graph then
    /// takes a second input and runs the forward pass on it too, and rules read reference activations through
    /// <see cref="BackwardEmitter.Reference"/>.</summary>
    public bool NeedsReference { get; init; }

    /// <summary>Gets a value indicating whether LayerNormalization and InstanceNormalization are written out as primitive
    /// ops before compiling (DeepLIFT has exact rules for those, none for the fused ops).</summary>
    public bool WritesOutNormalizations { get; init; }

    /// <summary>Gets a value indicating whether the signal starts as seed ⊙ target output (relevance) rather than the seed (gradient).</summary>
    public bool SeedTimesOutput { get; init; }

    /// <summary>Gets DeepLIFT Rescale: element-wise nonlinearities take Δy/Δx against a reference input, linear ops their
    /// gradient, products of two activations the Shapley split, max pools Captum's rule. Ops outside these kinds (softmax,
    /// normalisations by the data's own statistics, …) have no rule, so the compiler refuses them by name rather than
    /// give attributions that do not sum to f(x) − f(x̄).</summary>
    public static RuleSet DeepLiftRescale { get; } = new("deeplift-rescale", BuildDeepLift().ToFrozenDictionary())
    {
        NeedsReference = true,
        WritesOutNormalizations = true,
    };

    private static Dictionary<string, IBackwardRule> BuildDeepLift()
    {
        var rules = new Dictionary<string, IBackwardRule>();
        foreach (string op in OpFacts.LinearOps.Concat(OpFacts.WithoutGradient))
        {
            rules[op] = Gradient.Rules[op];
        }

        foreach (string op in OpFacts.ElementwiseActivations.Concat(OpFacts.ElementwiseFunctions))
        {
            rules[op] = new DeepLiftRescaleRule(Gradient.Rules[op]);
        }

        foreach (string op in new[] { "Mul", "MatMul", "Div" })
        {
            rules[op] = new DeepLiftProductRule(Gradient.Rules[op]);
        }

        foreach (string op in new[] { "MaxPool", "GlobalMaxPool", "ReduceMax", "ReduceMin" })
        {
            rules[op] = new DeepLiftMaxPoolRule(Gradient.Rules[op]);
        }

        rules["ReduceSumSquare"] = rules["ReduceL2"] = new DeepLiftSquareSumRule();
        rules["Where"] = new FixedOperandRule(Gradient.Rules["Where"], 0, "its condition");
        rules["Pow"] = new FixedOperandRule(new DeepLiftRescaleRule(Gradient.Rules["Pow"]), 1, "its exponent");
        return rules;
    }

    /// <summary>The rule for an op type, or null when the set has none.</summary>
    /// <param name="opType">The op type.</param>
    public IBackwardRule? For(string opType) => Rules.GetValueOrDefault(opType);

    /// <summary>The rule for one node: its own rule if the set picks one, else its op type's.</summary>
    /// <param name="node">The node.</param>
    public IBackwardRule? For(NodeProto node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return NodeRules?.Invoke(node) ?? For(node.OpType);
    }

    /// <summary>A copy of this set with one op's rule replaced.</summary>
    /// <param name="name">The new set's name.</param>
    /// <param name="opType">The op type.</param>
    /// <param name="rule">Its rule.</param>
    public RuleSet With(string name, string opType, IBackwardRule rule) =>
        new(name, Rules.Where(r => r.Key != opType).Append(new(opType, rule)).ToFrozenDictionary());
}
