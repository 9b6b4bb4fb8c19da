using Google.Protobuf;
using Onnx;

namespace MedExplain.TestUtilities;

/// <summary>Builds small ONNX models by hand, so tests know their exact weights and structure.</summary>
public sealed class TinyModelBuilder
{
    private readonly ModelProto _model;

    public TinyModelBuilder(int opset = 13)
    {
        _model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "medexplain-tests",
            Graph = new GraphProto { Name = "tiny" },
        };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
    }

    public GraphProto Graph => _model.Graph;

    /// <summary>Declares a float input; null dims are symbolic ("batch").</summary>
    public TinyModelBuilder Input(string name, params long?[] dims)
    {
        _model.Graph.Input.Add(ValueInfo(name, dims));
        return this;
    }

    public TinyModelBuilder Output(string name, params long?[] dims)
    {
        _model.Graph.Output.Add(ValueInfo(name, dims));
        return this;
    }

    /// <summary>An output of another element type than float (shape left to the runtime).</summary>
    public TinyModelBuilder Output(string name, TensorProto.Types.DataType type)
    {
        _model.Graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type } } });
        return this;
    }

    public TinyModelBuilder Initializer(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        _model.Graph.Initializer.Add(tensor);
        return this;
    }

    public TinyModelBuilder FloatsInitializer(string name, float[] values) => Initializer(name, [values.Length], values);

    public TinyModelBuilder IntInitializer(string name, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        _model.Graph.Initializer.Add(tensor);
        return this;
    }

    /// <summary>Adds a node; attributes are ints (long), int lists (long[]), floats, float lists (float[]) or strings.</summary>
    public TinyModelBuilder Node(string opType, string[] inputs, string[] outputs, string? name = null, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name ?? $"{opType}_{_model.Graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach ((string attrName, object value) in attributes)
        {
            node.Attribute.Add(value switch
            {
                long i => new AttributeProto { Name = attrName, Type = AttributeProto.Types.AttributeType.Int, I = i },
                float f => new AttributeProto { Name = attrName, Type = AttributeProto.Types.AttributeType.Float, F = f },
                string text => new AttributeProto { Name = attrName, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(text) },
                long[] ints => WithInts(new AttributeProto { Name = attrName, Type = AttributeProto.Types.AttributeType.Ints }, ints),
                float[] floats => new AttributeProto { Name = attrName, Type = AttributeProto.Types.AttributeType.Floats, Floats = { floats } },
                _ => throw new ArgumentException($"attribute {attrName}: unsupported value {value}"),
            });
        }

        _model.Graph.Node.Add(node);
        return this;
    }

    public byte[] ToBytes() => _model.ToByteArray();

    public string Save(string path)
    {
        File.WriteAllBytes(path, ToBytes());
        return path;
    }

    private static AttributeProto WithInts(AttributeProto attribute, long[] ints)
    {
        attribute.Ints.AddRange(ints);
        return attribute;
    }

    private static ValueInfoProto ValueInfo(string name, long?[] dims)
    {
        if (dims.Length == 0)
        {
            // No dims given: declare the type only, and let the runtime find the shape.
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } };
        }

        var shape = new TensorShapeProto();
        foreach (long? dim in dims)
        {
            shape.Dim.Add(dim is long d ? new TensorShapeProto.Types.Dimension { DimValue = d } : new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
