using System.Collections.Frozen;
using System.Globalization;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using MedExplain.Onnx.Backward.Rules.Lrp;
using Onnx;

namespace MedExplain.Methods.Propagation;

/// <summary>
/// LRP composites: which rule each layer gets, by kind and position, with Zennit's names and definitions (activations
/// pass relevance, residual sums and average pools split it in proportion, convolutions and dense layers take the
/// composite's rules, the first linear layer may take its own), plus per-node overrides.
/// </summary>
public static class LrpComposite
{
    /// <summary>Gets the composite names, for help texts.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [Composites.EpsilonPlus, Composites.EpsilonPlusFlat, Composites.EpsilonAlpha2Beta1, Composites.EpsilonAlpha2Beta1Flat, Composites.EpsilonGammaBox,
         Composites.Epsilon, Composites.ZPlus, Composites.Alpha2Beta1, Composites.DeepTaylor, Composites.Transformer];

    private static readonly string[] Sums = ["Add", "Sub", "Sum", "AveragePool", "GlobalAveragePool", "ReduceMean", "BatchNormalization"];

    /// <summary>Builds the rule set of a composite for one model.</summary>
    /// <param name="model">The model (node positions decide the first layer).</param>
    /// <param name="composite">The composite's name.</param>
    /// <param name="options">ε, z^B bounds and per-node overrides.</param>
    /// <exception cref="MedExplainInputException">An unknown composite, rule, or node name.</exception>
    public static RuleSet Build(OnnxModel model, string composite, AttributionOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        (string first, string convolution, string dense) = composite switch
        {
            Composites.EpsilonPlus => ("zplus", "zplus", "epsilon"),
            Composites.EpsilonPlusFlat => ("flat", "zplus", "epsilon"),
            Composites.EpsilonAlpha2Beta1 => ("alpha2-beta1", "alpha2-beta1", "epsilon"),
            Composites.EpsilonAlpha2Beta1Flat => ("flat", "alpha2-beta1", "epsilon"),
            Composites.EpsilonGammaBox => ("zbox", "gamma", "epsilon"),
            Composites.Epsilon or Composites.ZPlus or Composites.Alpha2Beta1 => (composite, composite, composite),

            // Deep Taylor decomposition: z⁺ through the ReLU layers, z^B at the bounded input layer.
            Composites.DeepTaylor => ("zbox", "zplus", "zplus"),

            // CP-LRP: the product rule already holds softmax outputs (attention) and norms' denominators constant, and
            // passes relevance through GELU's gate to its signal; γ on the weight layers, ε on the head (below).
            Composites.Transformer => ("gamma", "gamma", "gamma"),
            _ => throw new MedExplainParameterException("composite", $"'{composite}' is not a composite.{NameSuggestion.For(composite, Names)} The composites are: {string.Join(", ", Names)}."),
        };

        // Zennit's first-layer map applies to convolutions only in epsilon-gamma-box, to any linear layer in the -flat ones.
        bool firstIsAnyLinear = composite.EndsWith("-flat", StringComparison.Ordinal) || composite == "deep-taylor";
        string? firstLayer = FirstLinearLayer(model, includeDense: firstIsAnyLinear);
        string? head = composite == Composites.Transformer ? LinearLayers.ReachedFromInput(model) is [.., { } last] ? last.Name : null : null;
        var rules = new Dictionary<string, IBackwardRule>
        {
            [first] = LrpRuleText.Parse(first, options.Epsilon, options.Box),
            [convolution] = LrpRuleText.Parse(convolution, options.Epsilon, options.Box),
            [dense] = LrpRuleText.Parse(dense, options.Epsilon, options.Box),
            ["epsilon"] = LrpRuleText.Parse("epsilon", options.Epsilon, options.Box),
        };
        Dictionary<string, IBackwardRule> overrides = Overrides(model, options);

        IBackwardRule? PerNode(NodeProto node)
        {
            if (overrides.TryGetValue(node.Name, out IBackwardRule? chosen))
            {
                return chosen;
            }

            if (LinearLayers.WeightIndex(node, model.Graph.Constant) < 0)
            {
                return null;
            }

            bool convolutional = OpFacts.Convolutions.Contains(node.OpType);

            return node.Name == head ? rules["epsilon"] : node.Name == firstLayer ? rules[first] : convolutional ? rules[convolution] : rules[dense];
        }

        string key = string.Create(CultureInfo.InvariantCulture, $"lrp[{composite};eps={options.Epsilon};box={options.Box};{string.Join(",", options.RuleOverrides.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}"))}]");
        return new RuleSet(key, BaseRules())
        {
            NodeRules = PerNode,
            SeedTimesOutput = true,
            WritesOutNormalizations = true,
        };
    }

    /// <summary>The op-type rules under every composite: activations pass, sums and pools split in proportion, the rest is the gradient.</summary>
    private static FrozenDictionary<string, IBackwardRule> BaseRules()
    {
        var rules = new Dictionary<string, IBackwardRule>(RuleSet.Gradient.Rules);
        var pass = new LrpPassRule();
        foreach (string op in OpFacts.ElementwiseActivations)
        {
            rules[op] = pass;
        }

        foreach (string op in Sums)
        {
            rules[op] = new LrpNormRule(RuleSet.Gradient.For(op)!);
        }

        foreach (string op in new[] { "Mul", "Div", "MatMul" })
        {
            rules[op] = new LrpProductRule(RuleSet.Gradient.For(op)!);
        }

        // A written-out norm's √ only feeds the denominator, which the product rule gives no relevance.
        rules["Sqrt"] = pass;

        return rules.ToFrozenDictionary();
    }

    /// <summary>The first linear layer that the input reaches: any kind for the -flat composites and deep-taylor, else a convolution.</summary>
    private static string? FirstLinearLayer(OnnxModel model, bool includeDense) =>
        LinearLayers.ReachedFromInput(model).FirstOrDefault(n => includeDense || OpFacts.Convolutions.Contains(n.OpType))?.Name;

    private static Dictionary<string, IBackwardRule> Overrides(OnnxModel model, AttributionOptions options)
    {
        var names = model.Proto.Graph.Node.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var overrides = new Dictionary<string, IBackwardRule>(StringComparer.Ordinal);
        foreach ((string node, string rule) in options.RuleOverrides)
        {
            if (!names.Contains(node))
            {
                throw new UnknownNameException(model.FilePath, "node", node)
                {
                    Hint = NameSuggestion.For(node, model.Proto.Graph.Node.Where(n => OpFacts.WeightedLayers.Contains(n.OpType)).Select(n => n.Name)).Trim(),
                };
            }

            overrides[node] = LrpRuleText.Parse(rule, options.Epsilon, options.Box);
        }

        return overrides;
    }
}
