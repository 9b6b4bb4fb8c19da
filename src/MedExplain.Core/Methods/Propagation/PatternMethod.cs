using System.Runtime.CompilerServices;
using MedExplain.Batching;
using MedExplain.Methods.Gradient;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using MedExplain.Onnx.Backward.Rules;
using Onnx;

namespace MedExplain.Methods.Propagation;

/// <summary>
/// PatternNet (the signal: patterns A in place of the weights) and PatternAttribution (W ⊙ A in place of the weights),
/// Kindermans et al., 2018. ReLUs and pooling pass the signal as the gradient does; it starts as the target output.
/// The patterns come from <see cref="PatternFitter"/> (the fit-patterns command).
/// </summary>
/// <param name="name">patternnet or pattern-attribution.</param>
internal sealed class PatternMethod(string name) : IAttributionMethod
{
    public string Name { get; } = name;

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        PatternSet patterns = options.Patterns
            ?? throw new MedExplainParameterException("patterns", $"{Name} needs patterns fitted to the model (PatternFitter; the CLI's fit-patterns).");
        OnnxModel canonical = LrpMethod.Canonical(model);
        var rules = new Dictionary<string, IBackwardRule>(StringComparer.Ordinal);
        foreach (NodeProto layer in PatternFitter.LinearLayers(canonical))
        {
            if (!patterns.Patterns.TryGetValue(layer.Name, out FloatTensor? pattern))
            {
                throw new MedExplainParameterException("patterns", $"has no pattern for layer '{layer.Name}'; fit the patterns on this model.");
            }

            FloatTensor weights = LayerWeights(canonical, layer);
            if (!pattern.Shape.SequenceEqual(weights.Shape))
            {
                throw new MedExplainParameterException("patterns", $"the pattern of '{layer.Name}' has shape {FloatTensor.FormatShape(pattern.Shape)}, its weights {FloatTensor.FormatShape(weights.Shape)}.");
            }

            rules[layer.Name] = new PatternRule(Name == "patternnet" ? pattern : new FloatTensor(weights.Shape, [.. weights.Data.Select((w, n) => w * pattern.Data[n])]));
        }

        var ruleSet = new RuleSet($"{Name}[{RuntimeHelpers.GetHashCode(patterns)}]", RuleSet.Gradient.Rules)
        {
            NodeRules = node => rules.GetValueOrDefault(node.Name),
            SeedTimesOutput = true,
        };
        return SinglePassMethod.Run(Name, canonical, ruleSet, GradientVariant.Raw, inputs, target, options, progress, cancellationToken);
    }

    private static FloatTensor LayerWeights(OnnxModel model, NodeProto layer)
    {
        TensorProto proto = model.Proto.Graph.Initializer.First(i => i.Name == layer.Input[1]);
        float[] values = GraphIndex.ReadFloats(proto);
        return new FloatTensor([.. proto.Dims.Select(d => (int)d)], values);
    }
}
