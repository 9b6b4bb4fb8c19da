using MedExplain.Methods.Gradient;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using Onnx;

namespace MedExplain.Methods;

/// <summary>Integrated Gradients as one ONNX graph: (input, seed, baseline) → attribution. The path points
/// b + α(x − b) are built inside the graph, pushed through the compiled backward pass as one batch, weighted by the
/// quadrature and multiplied by (x − b), with the same rule the <c>integrated-gradients</c> method uses.</summary>
internal static class IntegratedGradientsExport
{
    private const string Points = "ig/points";
    private const string PointSeeds = "ig/seed_points";

    public static ModelProto Export(OnnxModel model, int[] inputShape, int steps, IntegrationKind integration, RuleSet rules)
    {
        if (model.Opset < 13)
        {
            throw new MedExplainInputException(model.FilePath, $"exporting Integrated Gradients needs a model of opset 13 or newer (ReduceSum with axes as an input); this one is opset {model.Opset}.");
        }

        (double[] alphas, double[] weights) = IntegrationRule.For(integration, steps);
        int m = alphas.Length, n = inputShape[0];
        int[] item = inputShape[1..];
        string input = model.ImageInput.Name;
        CompiledGraph compiled = BackwardGraphCompiler.Compile(model, [m * n, .. item], new BackwardRequest(model.ScoreOutput.Name, rules, [input], []));
        GraphProto graph = compiled.Model.Graph;
        int classes = compiled.SeedShape[1];
        string signal = compiled.SignalOutputs[input];

        foreach (NodeProto node in graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++)
            {
                node.Input[i] = node.Input[i] == input ? Points : node.Input[i] == compiled.SeedName ? PointSeeds : node.Input[i];
            }
        }

        graph.Input.Clear();
        graph.Input.Add(FloatInput(input, inputShape));
        graph.Input.Add(FloatInput(compiled.SeedName, [n, classes]));
        graph.Input.Add(FloatInput("baseline", inputShape));
        graph.Output.Clear();

        long[] lifted = [1, n, .. item.Select(d => (long)d)];
        long[] perStep = [m, .. Enumerable.Repeat(1L, item.Length + 1)];
        var nodes = new List<NodeProto>
        {
            Node("Sub", [input, "baseline"], "ig/difference"),
            Node("Reshape", ["ig/difference", Ints(graph, "ig/lifted_shape", lifted)], "ig/difference_lifted"),
            Node("Reshape", ["baseline", "ig/lifted_shape"], "ig/baseline_lifted"),
            Node("Mul", [Floats(graph, "ig/alphas", perStep, alphas), "ig/difference_lifted"], "ig/steps"),
            Node("Add", ["ig/baseline_lifted", "ig/steps"], "ig/points_lifted"),
            Node("Reshape", ["ig/points_lifted", Ints(graph, "ig/points_shape", [m * n, .. item.Select(d => (long)d)])], Points),
            Node("Reshape", [compiled.SeedName, Ints(graph, "ig/seed_lifted_shape", [1, n, classes])], "ig/seed_lifted"),
            Node("Expand", ["ig/seed_lifted", Ints(graph, "ig/seed_expanded_shape", [m, n, classes])], "ig/seed_expanded"),
            Node("Reshape", ["ig/seed_expanded", Ints(graph, "ig/seed_points_shape", [m * n, classes])], PointSeeds),
        };
        for (int i = nodes.Count - 1; i >= 0; i--)
        {
            graph.Node.Insert(0, nodes[i]);
        }

        graph.Node.Add(Node("Reshape", [signal, Ints(graph, "ig/gradient_shape", [m, n, .. item.Select(d => (long)d)])], "ig/gradients"));
        graph.Node.Add(Node("Mul", ["ig/gradients", Floats(graph, "ig/weights", perStep, weights)], "ig/weighted"));
        graph.Node.Add(Node("ReduceSum", ["ig/weighted", Ints(graph, "ig/step_axis", [0])], "ig/integral", keepDims: false));
        graph.Node.Add(Node("Mul", ["ig/integral", "ig/difference"], ExplanationGraphExport.AttributionOutput));
        graph.Output.Add(new ValueInfoProto { Name = ExplanationGraphExport.AttributionOutput });
        compiled.Model.DocString = $"MedExplain integrated-gradients over {rules.Name} ({m} points, {integration}) for {Path.GetFileName(model.FilePath)}: inputs '{input}' {FloatTensor.FormatShape(inputShape)}, " +
                                   $"'{compiled.SeedName}' (N, {classes}) one-hot rows on '{model.ScoreOutput.Name}', 'baseline' like the input; output '{ExplanationGraphExport.AttributionOutput}'.";
        return ExportedGraphTyping.Finish(compiled.Model, model, inputShape, ExplanationGraphExport.AttributionOutput);
    }

    private static NodeProto Node(string op, string[] inputs, string output, bool keepDims = true)
    {
        var node = new NodeProto { OpType = op, Name = output, Output = { output } };
        node.Input.AddRange(inputs);
        if (op == "ReduceSum")
        {
            node.Attribute.Add(new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = keepDims ? 1 : 0 });
        }

        return node;
    }

    private static ValueInfoProto FloatInput(string name, int[] shape)
    {
        var dims = new TensorShapeProto();
        dims.Dim.AddRange(shape.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = dims } } };
    }

    private static string Ints(GraphProto graph, string name, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        graph.Initializer.Add(tensor);
        return name;
    }

    private static string Floats(GraphProto graph, string name, long[] shape, double[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(shape);
        tensor.FloatData.AddRange(values.Select(v => (float)v));
        graph.Initializer.Add(tensor);
        return name;
    }
}
