using Google.Protobuf;
using Onnx;

namespace MedExplain.Onnx;

/// <summary>Look-ups over one ONNX graph: who produces a tensor, who consumes it, and compile-time constants.</summary>
/// <remarks>Exporters route parameters through Identity chains (TorchScript exports of ResNet carry dozens), so
/// constants are resolved through Identity nodes back to an initializer or a Constant node.</remarks>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, NodeProto> _producers = [];
    private readonly Dictionary<string, List<NodeProto>> _consumers = [];
    private readonly Dictionary<string, TensorProto> _initializers = [];

    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        foreach (TensorProto initializer in graph.Initializer)
        {
            _initializers[initializer.Name] = initializer;
        }

        foreach (NodeProto node in graph.Node)
        {
            foreach (string output in node.Output)
            {
                _producers[output] = node;
            }

            foreach (string input in InputsOf(node))
            {
                if (!_consumers.TryGetValue(input, out List<NodeProto>? list))
                {
                    _consumers[input] = list = [];
                }

                list.Add(node);
            }
        }
    }

    public GraphProto Graph { get; }

    /// <summary>A node's inputs, with the outer-scope tensors its subgraphs read (If, Loop and Scan bodies name tensors
    /// of the enclosing graph without listing them as inputs).</summary>
    public static IEnumerable<string> InputsOf(NodeProto node)
    {
        ArgumentNullException.ThrowIfNull(node);
        IEnumerable<string> inputs = node.Input.Where(i => i.Length > 0);
        foreach (AttributeProto attribute in node.Attribute)
        {
            foreach (GraphProto subgraph in attribute.Graphs.Append(attribute.G).Where(g => g is not null))
            {
                inputs = inputs.Concat(OuterReads(subgraph));
            }
        }

        return inputs;
    }

    /// <summary>Tensors whose values depend on the input's data, not only on its shape: everything downstream of the
    /// input except through Shape and Size (subgraphs' reads of outer tensors count as inputs).</summary>
    public static HashSet<string> DataDependent(GraphProto graph, string input)
    {
        var dependent = new HashSet<string>(StringComparer.Ordinal) { input };
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (NodeProto node in graph.Node.Where(n => n.OpType is not ("Shape" or "Size")))
            {
                if (GraphIndex.InputsOf(node).Any(dependent.Contains))
                {
                    foreach (string output in node.Output.Where(o => o.Length > 0))
                    {
                        changed |= dependent.Add(output);
                    }
                }
            }
        }

        return dependent;
    }

    private static IEnumerable<string> OuterReads(GraphProto subgraph)
    {
        var defined = new HashSet<string>(subgraph.Input.Select(i => i.Name).Concat(subgraph.Initializer.Select(i => i.Name)), StringComparer.Ordinal);
        defined.UnionWith(subgraph.Node.SelectMany(n => n.Output));
        return subgraph.Node.SelectMany(InputsOf).Where(i => !defined.Contains(i)).Distinct();
    }

    public NodeProto? Producer(string tensor) => _producers.GetValueOrDefault(tensor);

    public IReadOnlyList<NodeProto> Consumers(string tensor) =>
        _consumers.TryGetValue(tensor, out List<NodeProto>? list) ? list : [];

    public bool IsInitializer(string tensor) => _initializers.ContainsKey(tensor);

    /// <summary>Every tensor name the graph defines: inputs, initializers and node outputs.</summary>
    public bool Defines(string tensor) =>
        _producers.ContainsKey(tensor) || _initializers.ContainsKey(tensor) || Graph.Input.Any(i => i.Name == tensor);

    /// <summary>The constant tensor behind a name, following Identity nodes; null if it is computed at run time.</summary>
    public TensorProto? Constant(string tensor)
    {
        for (int hops = 0; hops < 64; hops++)
        {
            if (_initializers.TryGetValue(tensor, out TensorProto? initializer))
            {
                return initializer;
            }

            NodeProto? node = Producer(tensor);
            if (node is null)
            {
                return null;
            }

            if (node.OpType == "Constant")
            {
                return node.Attribute.FirstOrDefault(a => a.Name == "value")?.T;
            }

            if (node.OpType != "Identity")
            {
                return null;
            }

            tensor = node.Input[0];
        }

        return null;
    }

    /// <summary>An integer constant (such as ReduceMean's axes input) as a long array, or null.</summary>
    public long[]? IntegerConstant(string tensor) => Constant(tensor) is { } proto ? ReadIntegers(proto) : null;

    /// <summary>Reads a float32 TensorProto's values (float_data or raw_data).</summary>
    public static float[] ReadFloats(TensorProto proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        return proto.FloatData.Count > 0
            ? [.. proto.FloatData]
            : [.. Enumerable.Range(0, proto.RawData.Length / 4).Select(i => BitConverter.ToSingle(proto.RawData.Span.Slice(i * 4, 4)))];
    }

    /// <summary>Reads an int64, int32 or bool TensorProto's values (bools as 0 and 1).</summary>
    public static long[]? ReadIntegers(TensorProto proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        var type = (TensorProto.Types.DataType)proto.DataType;
        if (type == TensorProto.Types.DataType.Bool)
        {
            return proto.Int32Data.Count > 0 ? [.. proto.Int32Data.Select(v => v != 0 ? 1L : 0L)] : ReadRaw(proto.RawData, 1, b => b[0] != 0 ? 1 : 0);
        }

        if (type == TensorProto.Types.DataType.Int64)
        {
            return proto.Int64Data.Count > 0 ? [.. proto.Int64Data] : ReadRaw(proto.RawData, sizeof(long), b => BitConverter.ToInt64(b));
        }

        if (type == TensorProto.Types.DataType.Int32)
        {
            return proto.Int32Data.Count > 0 ? [.. proto.Int32Data.Select(v => (long)v)] : ReadRaw(proto.RawData, sizeof(int), b => BitConverter.ToInt32(b));
        }

        return null;
    }

    private static long[] ReadRaw(ByteString raw, int size, Func<ReadOnlySpan<byte>, long> read)
    {
        ReadOnlySpan<byte> bytes = raw.Span;
        var values = new long[bytes.Length / size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = read(bytes.Slice(i * size, size));
        }

        return values;
    }
}
