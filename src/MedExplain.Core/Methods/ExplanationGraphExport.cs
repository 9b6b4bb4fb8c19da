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

    /// <summary>The largest batch an exported graph takes: its shapes are fixed, and Integrated Gradients' graph holds
    /// batch × steps path points.</summary>
    public const int MaxBatch = 1024;

    /// <summary>Checks a batch size for export.</summary>
    /// <param name="batch">The batch size.</param>
    /// <exception cref="MedExplainParameterException">Not from 1 to <see cref="MaxBatch"/>.</exception>
    public static void ValidateBatch(int batch)
    {
        if (batch is < 1 or > MaxBatch)
        {
            throw new MedExplainParameterException("batch", $"must be from 1 to {MaxBatch}, not {batch}.");
        }
    }

    /// <summary>Gets the methods that export as one graph.</summary>
    public static IReadOnlyList<string> Methods { get; } = [.. AttributionMethods.Descriptors.Where(d => d.ExportsAsGraph).Select(d => d.Name)];

    /// <summary>Compiles <paramref name="method"/> for <paramref name="model"/> at <paramref name="inputShape"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="method">A name from <see cref="Methods"/>.</param>
    /// <param name="inputShape">The concrete input shape, batch included.</param>
    /// <param name="options">Integrated Gradients' steps, integration rule and the modified gradient it integrates (defaults otherwise).</param>
    /// <exception cref="MedExplainInputException">The method does not export, or the model cannot be compiled.</exception>
    public static ModelProto Export(OnnxModel model, string method, int[] inputShape, AttributionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        ValidateBatch(inputShape[0]);
        if (!Methods.Contains(method))
        {
            throw new MedExplainParameterException("method", $"'{method}' does not export as one graph; these do: {string.Join(", ", Methods)}.");
        }

        if (AttributionMethods.Engine(method, "method") is not Gradient.SinglePassMethod recipe)
        {
            options ??= new AttributionOptions();
            options.Validate();
            // Over a modified gradient the model itself is compiled (only LRP folds it, and IG refuses LRP).
            (OnnxModel same, RuleSet rules) = AttributionMethods.Inner(options.Over, method, modifiedGradientOnly: true).Prepare(model, options);
            return IntegratedGradientsExport.Export(same, inputShape, options.Steps, options.Integration, rules);
        }

        string? postOp = recipe.Variant switch
        {
            Gradient.GradientVariant.Absolute => "Abs",
            Gradient.GradientVariant.TimesInput => "Mul",
            _ => null,
        };
        string input = model.ImageInput.Name;
        CompiledGraph compiled = BackwardGraphCompiler.Compile(model, inputShape, new BackwardRequest(model.ScoreOutput.Name, recipe.Rules, [input], []));
        GraphProto graph = compiled.Model.Graph;
        string signal = compiled.SignalOutputs[input];
        ValueInfoProto signalOutput = graph.Output.Single(o => o.Name == signal);
        graph.Output.Remove(signalOutput);
        var node = new NodeProto { Name = AttributionOutput, OpType = postOp ?? "Identity", Output = { AttributionOutput } };
        node.Input.AddRange(postOp == "Mul" ? [signal, input] : [signal]);
        graph.Node.Add(node);
        graph.Output.Add(new ValueInfoProto { Name = AttributionOutput });
        compiled.Model.DocString = $"MedExplain {method} explanation graph for {Path.GetFileName(model.FilePath)} at input shape {FloatTensor.FormatShape(inputShape)}; inputs '{input}' and '{compiled.SeedName}' (one-hot rows on '{model.ScoreOutput.Name}').";
        return ExportedGraphTyping.Finish(compiled.Model, model, inputShape, AttributionOutput);
    }
}
