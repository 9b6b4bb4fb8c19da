using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using Onnx;

namespace MedExplain.Methods;

/// <summary>Saves a method as one standalone ONNX model: (input, seed) → (model outputs, attribution) for single-pass
/// methods, (input, seed, baseline) → attribution for Integrated Gradients.</summary>
/// <remarks>Standard ONNX ops only, so any ONNX Runtime (CPU, GPU, web) runs it. The seed is laid on the score
/// output: a one-hot row per item explains that class. Shapes are fixed to the input shape it was exported at.</remarks>
public static class ExplanationGraphExport
{
    /// <summary>The name of the attribution output.</summary>
    public const string AttributionOutput = "attribution";

    private static readonly Dictionary<string, (RuleSet Rules, string? PostOp)> Exportable = new(StringComparer.Ordinal)
    {
        ["gradient"] = (RuleSet.Gradient, null),
        ["saliency"] = (RuleSet.Gradient, "Abs"),
        ["input-x-gradient"] = (RuleSet.Gradient, "Mul"),
        ["guided-backprop"] = (RuleSet.GuidedBackprop, null),
        ["deconvnet"] = (RuleSet.DeConvNet, null),
    };

    /// <summary>Gets the methods that export as one graph.</summary>
    public static IReadOnlyList<string> Methods { get; } = [.. Exportable.Keys, "integrated-gradients"];

    /// <summary>Compiles <paramref name="method"/> for <paramref name="model"/> at <paramref name="inputShape"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="method">A name from <see cref="Methods"/>.</param>
    /// <param name="inputShape">The concrete input shape, batch included.</param>
    /// <param name="options">Integrated Gradients' steps and integration rule (defaults otherwise).</param>
    /// <exception cref="MedExplainInputException">The method does not export, or the model cannot be compiled.</exception>
    public static ModelProto Export(OnnxModel model, string method, int[] inputShape, AttributionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (method == "integrated-gradients")
        {
            options ??= new AttributionOptions();
            options.Validate();
            return IntegratedGradientsExport.Export(model, inputShape, options.Steps, options.Integration);
        }

        if (!Exportable.TryGetValue(method, out (RuleSet Rules, string? PostOp) recipe))
        {
            throw new MedExplainParameterException("method", $"'{method}' does not export as one graph; these do: {string.Join(", ", Methods)}.");
        }

        string input = model.ImageInput.Name;
        CompiledGraph compiled = BackwardGraphCompiler.Compile(model, inputShape, new BackwardRequest(model.ScoreOutput.Name, recipe.Rules, [input], []));
        GraphProto graph = compiled.Model.Graph;
        string signal = compiled.SignalOutputs[input];
        ValueInfoProto signalOutput = graph.Output.Single(o => o.Name == signal);
        graph.Output.Remove(signalOutput);
        var node = new NodeProto { Name = AttributionOutput, OpType = recipe.PostOp ?? "Identity", Output = { AttributionOutput } };
        node.Input.AddRange(recipe.PostOp == "Mul" ? [signal, input] : [signal]);
        graph.Node.Add(node);
        graph.Output.Add(new ValueInfoProto { Name = AttributionOutput });
        compiled.Model.DocString = $"MedExplain {method} explanation graph for {Path.GetFileName(model.FilePath)} at input shape {FloatTensor.FormatShape(inputShape)}; inputs '{input}' and '{compiled.SeedName}' (one-hot rows on '{model.ScoreOutput.Name}').";
        return compiled.Model;
    }
}
