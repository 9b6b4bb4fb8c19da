using Google.Protobuf;
using Onnx;

namespace MedExplain.Onnx.Backward;

/// <summary>Appends backward nodes and constants to a compiled graph, with unique names and known shapes.</summary>
/// <remarks>Every shape is concrete: the compiler works at one input shape, read off a probe run. Helpers pick the
/// opset-appropriate spelling (ReduceSum's axes became an input at opset 13, Squeeze/Unsqueeze too).</remarks>
public sealed class BackwardEmitter
{
    private readonly GraphProto _graph;
    private readonly GraphIndex _index;
    private readonly Dictionary<string, int[]> _shapes;
    private readonly IReadOnlyDictionary<string, long[]> _shapeConstants;
    private int _counter;

    internal BackwardEmitter(GraphProto graph, GraphIndex index, Dictionary<string, int[]> shapes, int opset, IReadOnlyDictionary<string, long[]> shapeConstants)
    {
        _graph = graph;
        _index = index;
        _shapes = shapes;
        _shapeConstants = shapeConstants;
        Opset = opset;
    }

    /// <summary>Gets the opset of the compiled graph's default domain.</summary>
    public int Opset { get; }

    /// <summary>The concrete shape of a forward tensor, an initializer or an emitted tensor.</summary>
    /// <param name="tensor">The tensor name.</param>
    public int[] Shape(string tensor) =>
        _shapes.TryGetValue(tensor, out int[]? shape) ? shape : throw new InvalidOperationException($"No shape known for tensor '{tensor}'.");

    /// <summary>A float constant feeding a forward node (such as Resize's scales), resolved through Identity chains.</summary>
    /// <param name="tensor">The tensor name.</param>
    public TensorProto? FloatConstant(string tensor) =>
        _index.Constant(tensor) is { DataType: (int)TensorProto.Types.DataType.Float } proto ? proto : null;

    /// <summary>Records the shape of a tensor a rule adds to the forward graph (such as MaxPool's Indices output).</summary>
    /// <param name="tensor">The tensor name.</param>
    /// <param name="shape">Its shape.</param>
    public void DeclareShape(string tensor, int[] shape) => _shapes[tensor] = shape;

    /// <summary>An integer constant feeding a forward node (axes, pads, shapes), resolved through Identity chains, or
    /// computed from the input's shape alone (constant at the compiled shape; read off the probe run).</summary>
    /// <param name="tensor">The tensor name.</param>
    public long[]? IntegerConstant(string tensor) => _index.IntegerConstant(tensor) ?? _shapeConstants.GetValueOrDefault(tensor);

    /// <summary>Appends a node with one output and returns the output's name; the output's shape is recorded.</summary>
    /// <param name="opType">The ONNX op.</param>
    /// <param name="inputs">Its inputs ("" for an omitted optional input).</param>
    /// <param name="shape">The output's shape.</param>
    /// <param name="attributes">Attributes: long, float, string, long[] or float[].</param>
    public string Node(string opType, string[] inputs, int[] shape, params (string Name, object Value)[] attributes)
    {
        string output = Fresh(opType);
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes.Select(a => ToAttribute(a.Name, a.Value)));
        node.DocString = Origin;
        _graph.Node.Add(node);
        _shapes[output] = shape;
        return output;
    }

    /// <summary>Gets the forward node that produces a tensor, or null for inputs and initializers.</summary>
    /// <param name="tensor">The tensor.</param>
    public NodeProto? Producer(string tensor) => _index.Producer(tensor);

    /// <summary>Gets the tensor holding the reference input's value of <paramref name="tensor"/> (DeepLIFT rule sets);
    /// tensors that do not depend on the input are their own reference.</summary>
    /// <param name="tensor">A forward tensor.</param>
    public string Reference(string tensor) => ReferenceNames?.GetValueOrDefault(tensor, tensor)
        ?? throw new InvalidOperationException("This rule set was compiled without a reference input.");

    /// <summary>Whether a forward tensor's value depends on the model input (through float tensors).</summary>
    /// <param name="tensor">A forward tensor.</param>
    public bool DependsOnInput(string tensor) => InputDependent?.Contains(tensor) ?? true;

    /// <summary>Gets or sets the forward tensors whose values depend on the model input.</summary>
    internal IReadOnlySet<string>? InputDependent { get; set; }

    /// <summary>Gets or sets the reference copy of each input-dependent tensor, when the graph has one.</summary>
    internal IReadOnlyDictionary<string, string>? ReferenceNames { get; set; }

    /// <summary>Appends a copy of a forward node (its attributes kept) with a fresh output, and returns that output.</summary>
    /// <param name="node">The node, inputs already replaced; its output is renamed.</param>
    /// <param name="shape">The output's shape.</param>
    public string Clone(NodeProto node, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(node);
        string output = Fresh(node.OpType);
        node.Name = output;
        node.Output.Clear();
        node.Output.Add(output);
        node.DocString = Origin;
        _graph.Node.Add(node);
        _shapes[output] = shape;
        return output;
    }

    /// <summary>Gets or sets what the nodes emitted now belong to ("backward of NODE"), written into each one's doc
    /// string so that a problem in the compiled graph can be traced to the forward node whose rule emitted it.</summary>
    internal string Origin { get; set; } = string.Empty;

    /// <summary>A float32 constant of the given shape.</summary>
    /// <param name="shape">The dimensions.</param>
    /// <param name="values">The values, row-major.</param>
    public string Floats(int[] shape, float[] values)
    {
        string name = Fresh("const");
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(shape.Select(d => (long)d));
        tensor.FloatData.AddRange(values);
        _graph.Initializer.Add(tensor);
        _shapes[name] = shape;
        return name;
    }

    /// <summary>A float32 scalar constant.</summary>
    /// <param name="value">The value.</param>
    public string Scalar(float value) => Floats([], [value]);

    /// <summary>A 1-D int64 constant (axes, shapes, pads).</summary>
    /// <param name="values">The values.</param>
    public string Ints(params long[] values)
    {
        string name = Fresh("ints");
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        _shapes[name] = [values.Length];
        return name;
    }

    /// <summary>Elementwise binary op with numpy broadcasting; the result takes the broadcast shape.</summary>
    /// <param name="opType">Add, Sub, Mul, Div, Greater, Where's cousins …</param>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    public string Binary(string opType, string a, string b) => Node(opType, [a, b], Broadcast(Shape(a), Shape(b)));

    /// <summary>Unary elementwise op; the result keeps the operand's shape.</summary>
    /// <param name="opType">The op.</param>
    /// <param name="x">The operand.</param>
    /// <param name="attributes">Attributes.</param>
    public string Unary(string opType, string x, params (string Name, object Value)[] attributes) => Node(opType, [x], Shape(x), attributes);

    /// <summary>Where(condition, a, b) with broadcasting.</summary>
    /// <param name="condition">A bool tensor.</param>
    /// <param name="a">Taken where the condition holds.</param>
    /// <param name="b">Taken elsewhere.</param>
    public string Where(string condition, string a, string b) =>
        Node("Where", [condition, a, b], Broadcast(Shape(condition), Broadcast(Shape(a), Shape(b))));

    /// <summary>Reshape to a concrete shape.</summary>
    /// <param name="x">The tensor.</param>
    /// <param name="shape">The new shape.</param>
    public string Reshape(string x, int[] shape) =>
        Shape(x).SequenceEqual(shape) ? x : Node("Reshape", [x, Ints([.. shape.Select(d => (long)d)])], shape);

    /// <summary>Slices with unit steps, in the spelling the opset wants (bounds became inputs at opset 10).</summary>
    /// <param name="x">The tensor.</param>
    /// <param name="starts">Start per axis.</param>
    /// <param name="ends">End per axis.</param>
    /// <param name="axes">The axes.</param>
    /// <param name="shape">The result's shape.</param>
    public string Slice(string x, long[] starts, long[] ends, long[] axes, int[] shape) =>
        Opset >= 10
            ? Node("Slice", [x, Ints(starts), Ints(ends), Ints(axes)], shape)
            : Node("Slice", [x], shape, ("starts", starts), ("ends", ends), ("axes", axes));

    /// <summary>Pads with zeros, in the spelling the opset wants (pads became an input at opset 11).</summary>
    /// <param name="x">The tensor.</param>
    /// <param name="pads">Begin pads of every axis, then end pads.</param>
    /// <param name="shape">The result's shape.</param>
    public string Pad(string x, long[] pads, int[] shape) =>
        Opset >= 11 ? Node("Pad", [x, Ints(pads)], shape) : Node("Pad", [x], shape, ("pads", pads));

    /// <summary>A float comparison as a bool tensor, spelled with the ops the opset has (GreaterOrEqual and
    /// LessOrEqual came at opset 12, Equal on floats at 11).</summary>
    /// <param name="op">Greater, Less, GreaterOrEqual, LessOrEqual or Equal.</param>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand.</param>
    public string Compare(string op, string a, string b) => (op, Opset) switch
    {
        ("GreaterOrEqual", < 12) => Unary("Not", Binary("Less", a, b)),
        ("LessOrEqual", < 12) => Unary("Not", Binary("Greater", a, b)),
        ("Equal", < 11) => Binary("And", Unary("Not", Binary("Less", a, b)), Unary("Not", Binary("Greater", a, b))),
        _ => Binary(op, a, b),
    };

    /// <summary>Sums over <paramref name="axes"/>, in the spelling the opset wants.</summary>
    /// <param name="x">The tensor.</param>
    /// <param name="axes">Non-negative axes.</param>
    /// <param name="keepDims">Whether reduced axes stay as size 1.</param>
    public string ReduceSum(string x, IReadOnlyCollection<int> axes, bool keepDims)
    {
        int[] shape = Shape(x);
        int[] reduced = keepDims
            ? [.. shape.Select((d, i) => axes.Contains(i) ? 1 : d)]
            : [.. shape.Where((_, i) => !axes.Contains(i))];
        long[] axisValues = [.. axes.Select(a => (long)a)];
        return Opset >= 13
            ? Node("ReduceSum", [x, Ints(axisValues)], reduced, ("keepdims", keepDims ? 1L : 0L))
            : Node("ReduceSum", [x], reduced, ("axes", axisValues), ("keepdims", keepDims ? 1L : 0L));
    }

    /// <summary>Averages over <paramref name="axes"/>, keeping them as size 1.</summary>
    /// <param name="x">The tensor.</param>
    /// <param name="axes">Non-negative axes.</param>
    public string ReduceMean(string x, IReadOnlyCollection<int> axes) => Reduce("ReduceMean", x, axes);

    /// <summary>A reduction over <paramref name="axes"/> that keeps them as size 1, in the spelling the opset wants (axes
    /// became an input at 13 for ReduceSum, at 18 for the others).</summary>
    /// <param name="op">ReduceMean, ReduceMin, ReduceMax, …</param>
    /// <param name="x">The tensor.</param>
    /// <param name="axes">Non-negative axes.</param>
    public string Reduce(string op, string x, IReadOnlyCollection<int> axes)
    {
        int[] reduced = [.. Shape(x).Select((d, i) => axes.Contains(i) ? 1 : d)];
        long[] axisValues = [.. axes.Select(a => (long)a)];
        return Opset >= (op == "ReduceSum" ? 13 : 18)
            ? Node(op, [x, Ints(axisValues)], reduced, ("keepdims", 1L))
            : Node(op, [x], reduced, ("axes", axisValues), ("keepdims", 1L));
    }

    /// <summary>Zeros of a shape (a broadcast scalar, so nothing large is stored in the graph).</summary>
    /// <param name="shape">The shape.</param>
    public string Zeros(int[] shape) => Expand(Scalar(0), shape);

    /// <summary>Sums a signal shaped like a broadcast result back to the shape of the operand that was broadcast.</summary>
    /// <param name="signal">The signal, shaped like the broadcast result.</param>
    /// <param name="operandShape">The operand's own shape.</param>
    public string Unbroadcast(string signal, int[] operandShape)
    {
        int[] shape = Shape(signal);
        if (shape.SequenceEqual(operandShape))
        {
            return signal;
        }

        int lead = shape.Length - operandShape.Length;
        var axes = new List<int>();
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (axis < lead || (operandShape[axis - lead] == 1 && shape[axis] != 1))
            {
                axes.Add(axis);
            }
        }

        return Reshape(axes.Count == 0 ? signal : ReduceSum(signal, axes, keepDims: true), operandShape);
    }

    /// <summary>Expands a tensor to a larger broadcast-compatible shape.</summary>
    /// <param name="x">The tensor.</param>
    /// <param name="shape">The target shape.</param>
    public string Expand(string x, int[] shape) =>
        Shape(x).SequenceEqual(shape) ? x : Node("Expand", [x, Ints([.. shape.Select(d => (long)d)])], shape);

    /// <summary>Adds up several signals for the same tensor.</summary>
    /// <param name="signals">The contributions (at least one).</param>
    public string Sum(IReadOnlyList<string> signals) =>
        signals.Count == 1 ? signals[0] : Node("Sum", [.. signals], Shape(signals[0]));

    /// <summary>Numpy broadcasting of two shapes.</summary>
    /// <param name="a">One shape.</param>
    /// <param name="b">The other.</param>
    public static int[] Broadcast(int[] a, int[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            shape[i] = da == 1 ? db : da;
        }

        return shape;
    }

    private string Fresh(string hint) => $"backward/{hint}_{_counter++}";

    private static AttributeProto ToAttribute(string name, object value)
    {
        var attribute = new AttributeProto { Name = name };
        switch (value)
        {
            case long i:
                attribute.Type = AttributeProto.Types.AttributeType.Int;
                attribute.I = i;
                break;
            case float f:
                attribute.Type = AttributeProto.Types.AttributeType.Float;
                attribute.F = f;
                break;
            case string s:
                attribute.Type = AttributeProto.Types.AttributeType.String;
                attribute.S = ByteString.CopyFromUtf8(s);
                break;
            case long[] ints:
                attribute.Type = AttributeProto.Types.AttributeType.Ints;
                attribute.Ints.AddRange(ints);
                break;
            default:
                throw new ArgumentException($"Attribute '{name}' has an unsupported value type {value.GetType().Name}.", nameof(value));
        }

        return attribute;
    }
}
