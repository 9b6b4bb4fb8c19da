using MedExplain.Onnx.Canonizers;
using Onnx;

namespace MedExplain.Onnx.Backward;

/// <summary>Appends to a model the standard-ONNX nodes that carry a backward signal from a target output to the
/// requested tensors, each op by its rule.</summary>
/// <remarks>Works at one concrete input shape (read off a probe run). Only nodes that both depend on the model input
/// and feed the target are visited; a node there without a rule stops the compile before anything runs.</remarks>
public static class BackwardGraphCompiler
{
    /// <summary>Compiles the backward pass for <paramref name="request"/> at <paramref name="inputShape"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="inputShape">The concrete input shape, batch included.</param>
    /// <param name="request">The target, rules and requested tensors.</param>
    /// <exception cref="UnsupportedModelException">A node on the path has no rule in the set.</exception>
    /// <exception cref="MedExplainInputException">A requested tensor or the target is not in the graph.</exception>
    public static CompiledGraph Compile(OnnxModel model, int[] inputShape, BackwardRequest request)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(request);
        ModelProto compiled = model.Proto.Clone();
        int opset = OpsetUpgrade.Apply(compiled, model.FilePath);
        GraphProto graph = compiled.Graph;
        string input = model.ImageInput.Name;
        ProbedShapes probe = FoldFixedBranches(compiled, model, input, inputShape, model.ProbeShapes(inputShape));
        string[] norms = request.Rules.WritesOutNormalizations ? [.. NormalizationDecomposition.Norms] : ["GroupNormalization"];
        if (NormalizationDecomposition.Apply(graph, opset, t => probe.Shapes[t], norms) > 0)
        {
            probe = ShapeProbe.Run(compiled, model.FilePath, model.Runtime, input, inputShape);
        }

        SortTopologically(graph);
        var index = new GraphIndex(graph);
        foreach (string tensor in request.SignalsFor.Append(request.TargetOutput).Concat(request.Activations))
        {
            if (!index.Defines(tensor))
            {
                throw new UnknownNameException(model.FilePath, "tensor", tensor);
            }
        }

        Dictionary<string, int[]> shapes = new(probe.Shapes);
        foreach (TensorProto initializer in graph.Initializer)
        {
            shapes.TryAdd(initializer.Name, [.. initializer.Dims.Select(d => (int)d)]);
        }

        // The walk starts at the requested tensors, not always at the input: a CAM layer's gradient stops there.
        List<NodeProto> path = PathNodes(graph, index, request.SignalsFor, request.TargetOutput, probe.FloatTensors);
        CheckCoverage(model.FilePath, path, request.Rules);

        var emit = new BackwardEmitter(graph, index, shapes, opset, probe.ShapeConstants);
        var dependsOnSources = ForwardClosure(graph, request.SignalsFor, probe.FloatTensors);
        emit.InputDependent = GraphIndex.DataDependent(graph, input);
        string? reference = null;
        if (request.Rules.NeedsReference)
        {
            reference = ReferenceName;
            emit.ReferenceNames = AddReferenceForward(graph, input, reference, shapes);
        }

        var contributions = new Dictionary<string, List<string>>
        {
            [request.TargetOutput] = [request.Rules.SeedTimesOutput
                ? emit.Binary("Mul", AddSeed(graph, request.TargetOutput, shapes), request.TargetOutput)
                : AddSeed(graph, request.TargetOutput, shapes)],
        };
        for (int n = path.Count - 1; n >= 0; n--)
        {
            NodeProto node = path[n];
            emit.Origin = $"backward of '{node.Name}' ({node.OpType})";
            string?[] outputSignals = [.. node.Output.Select(o => contributions.TryGetValue(o, out List<string>? s) ? emit.Sum(s) : null)];
            if (outputSignals.All(s => s is null))
            {
                continue;
            }

            string?[] inputSignals;
            try
            {
                inputSignals = request.Rules.For(node)!.Backward(node, outputSignals, emit);
            }
            catch (NotSupportedException e)
            {
                throw new UnsupportedModelException(model.FilePath, [(node.Name, node.OpType)], request.Rules.Name, e.Message);
            }

            for (int i = 0; i < node.Input.Count && i < inputSignals.Length; i++)
            {
                if (inputSignals[i] is { } signal && dependsOnSources.Contains(node.Input[i]))
                {
                    if (!contributions.TryGetValue(node.Input[i], out List<string>? list))
                    {
                        contributions[node.Input[i]] = list = [];
                    }

                    list.Add(signal);
                }
            }
        }

        var signalOutputs = new Dictionary<string, string>();
        foreach (string tensor in request.SignalsFor)
        {
            string signal = contributions.TryGetValue(tensor, out List<string>? list)
                ? emit.Sum(list)
                : emit.Expand(emit.Scalar(0), shapes[tensor]);
            string output = CompiledGraph.SignalPrefix + tensor;
            graph.Node.Add(new NodeProto { OpType = "Identity", Name = output, Input = { signal }, Output = { output } });
            graph.Output.Add(new ValueInfoProto { Name = output });
            signalOutputs[tensor] = output;
        }

        foreach (string activation in request.Activations.Where(a => graph.Output.All(o => o.Name != a)))
        {
            graph.Output.Add(new ValueInfoProto { Name = activation });
        }

        return new CompiledGraph(compiled, input, inputShape, SeedName, shapes[request.TargetOutput], signalOutputs) { ReferenceName = reference };
    }

    /// <summary>Inlines the branch each fixed If takes (<see cref="IfFolding"/>) and probes the result again, since the
    /// inlined nodes' shapes were hidden in the subgraph; repeated for Ifs the inlined branches hold.</summary>
    private static ProbedShapes FoldFixedBranches(ModelProto compiled, OnnxModel model, string input, int[] inputShape, ProbedShapes probe)
    {
        for (int round = 0; round < 8; round++)
        {
            var index = new GraphIndex(compiled.Graph);
            if (IfFolding.Apply(compiled.Graph, t => index.IntegerConstant(t) ?? probe.ShapeConstants.GetValueOrDefault(t)) == 0)
            {
                break;
            }

            probe = ShapeProbe.Run(compiled, model.FilePath, model.Runtime, input, inputShape);
        }

        return probe;
    }

    /// <summary>The name of the reference input of graphs compiled for rule sets that need one.</summary>
    public const string ReferenceName = "reference";

    /// <summary>Runs the forward pass a second time on a reference input: every node that depends on the input is copied
    /// with its input-dependent tensors renamed. Returns tensor → reference tensor.</summary>
    private static Dictionary<string, string> AddReferenceForward(GraphProto graph, string input, string reference, Dictionary<string, int[]> shapes)
    {
        var names = new Dictionary<string, string> { [input] = reference };
        ValueInfoProto declared = graph.Input.First(i => i.Name == input);
        graph.Input.Add(new ValueInfoProto { Name = reference, Type = declared.Type.Clone() });
        shapes[reference] = shapes[input];
        foreach (NodeProto node in graph.Node.ToList())
        {
            if (!node.Input.Any(names.ContainsKey))
            {
                continue;
            }

            NodeProto copy = node.Clone();
            copy.Name = "reference/" + node.Name;
            for (int i = 0; i < copy.Input.Count; i++)
            {
                copy.Input[i] = names.GetValueOrDefault(copy.Input[i], copy.Input[i]);
            }

            for (int o = 0; o < copy.Output.Count; o++)
            {
                if (copy.Output[o].Length > 0)
                {
                    names[node.Output[o]] = copy.Output[o] = "reference/" + node.Output[o];
                    if (shapes.TryGetValue(node.Output[o], out int[]? shape))
                    {
                        shapes[copy.Output[o]] = shape;
                    }
                }
            }

            graph.Node.Add(copy);
        }

        return names;
    }

    /// <summary>The name of the seed input of every compiled graph.</summary>
    public const string SeedName = "seed";

    private static string AddSeed(GraphProto graph, string target, Dictionary<string, int[]> shapes)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(shapes[target].Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        graph.Input.Add(new ValueInfoProto
        {
            Name = SeedName,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        });
        shapes[SeedName] = shapes[target];
        return SeedName;
    }

    /// <summary>Nodes, in graph order, that carry a float signal from the sources to the target.</summary>
    private static List<NodeProto> PathNodes(GraphProto graph, GraphIndex index, IReadOnlyList<string> sources, string target, IReadOnlySet<string> floats)
    {
        HashSet<string> fromInput = ForwardClosure(graph, sources, floats);
        var toTarget = new HashSet<string> { target };
        var pending = new Stack<string>([target]);
        while (pending.TryPop(out string? tensor))
        {
            if (index.Producer(tensor) is { } producer)
            {
                foreach (string i in GraphIndex.InputsOf(producer).Where(toTarget.Add))
                {
                    pending.Push(i);
                }
            }
        }

        return [.. graph.Node.Where(n => n.Output.Any(o => toTarget.Contains(o) && floats.Contains(o)) && GraphIndex.InputsOf(n).Any(fromInput.Contains))];
    }

    /// <summary>Every float tensor whose value depends on one of <paramref name="sources"/> through float tensors (graph nodes
    /// are in topological order); integer shape arithmetic is left out, as no gradient flows through it.</summary>
    private static HashSet<string> ForwardClosure(GraphProto graph, IEnumerable<string> sources, IReadOnlySet<string> floats)
    {
        var reached = new HashSet<string>(sources);
        foreach (NodeProto node in graph.Node.Where(n => GraphIndex.InputsOf(n).Any(reached.Contains)))
        {
            reached.UnionWith(node.Output.Where(o => o.Length > 0 && floats.Contains(o)));
        }

        return reached;
    }

    /// <summary>ONNX asks for nodes in topological order, but not every writer obeys; the walk relies on it.</summary>
    private static void SortTopologically(GraphProto graph)
    {
        var available = new HashSet<string>(graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(i => i.Name))) { string.Empty };
        var pending = graph.Node.ToList();
        var sorted = new List<NodeProto>(pending.Count);
        while (pending.Count > 0)
        {
            int ready = pending.FindIndex(n => GraphIndex.InputsOf(n).All(available.Contains));
            if (ready < 0)
            {
                return; // A cycle or a dangling input: leave the order alone and let the runtime report it.
            }

            NodeProto node = pending[ready];
            pending.RemoveAt(ready);
            sorted.Add(node);
            available.UnionWith(node.Output);
        }

        graph.Node.Clear();
        graph.Node.AddRange(sorted);
    }

    private static void CheckCoverage(string modelPath, List<NodeProto> path, RuleSet rules)
    {
        List<(string, string)> branches = [.. path.Where(n => n.OpType is "If" or "Loop" or "Scan").Select(n => (n.Name, n.OpType))];
        if (branches.Count > 0)
        {
            throw new UnsupportedModelException(modelPath, branches, rules.Name,
                "control flow on the explanation path whose branch or trip count depends on the input's data (an If fixed by the input's shape or a constant is folded)");
        }

        List<(string, string)> missing = [.. path.Where(n => rules.For(n) is null || n.Domain is not ("" or "ai.onnx")).Select(n => (n.Name, n.OpType))];
        if (missing.Count > 0)
        {
            throw new UnsupportedModelException(modelPath, missing, rules.Name);
        }
    }
}
