using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace MedExplain.Onnx;

/// <summary>Runs a model once with every intermediate value exposed, to read each value's concrete shape.</summary>
/// <remarks>Shapes come from a real run, not from ONNX shape inference: exported graphs often leave dimensions
/// unknown, and the compiler and the batch planner need them concrete for one input shape.</remarks>
internal static class ShapeProbe
{
    public static ProbedShapes Run(ModelProto model, string modelPath, RuntimeOptions runtime, string inputName, int[] inputShape)
    {
        ModelProto probe = model.Clone();
        var declared = probe.Graph.Output.Select(o => o.Name).ToHashSet();
        foreach (NodeProto node in probe.Graph.Node)
        {
            foreach (string output in node.Output.Where(o => o.Length > 0 && declared.Add(o)))
            {
                probe.Graph.Output.Add(new ValueInfoProto { Name = output });
            }
        }

        using SessionOptions options = RuntimeSessionOptions.For(modelPath, runtime, optimize: false);
        using var session = new InferenceSession(probe.ToByteArray(), options);
        var input = new float[checked((int)FloatTensor.ElementCount(inputShape))];
        using OrtValue inputValue = OrtValue.CreateTensorValueFromMemory(input, Array.ConvertAll(inputShape, d => (long)d));
        string[] names = [.. session.OutputNames];
        using IDisposableReadOnlyCollection<OrtValue> results = session.Run(new RunOptions(), [inputName], [inputValue], names);

        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal) { [inputName] = inputShape };
        var floats = new HashSet<string>(StringComparer.Ordinal) { inputName };
        var constants = new Dictionary<string, long[]>(StringComparer.Ordinal);
        HashSet<string> dataDependent = GraphIndex.DataDependent(model.Graph, inputName);
        long bytes = 0;
        for (int i = 0; i < names.Length; i++)
        {
            if (results[i].OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
            {
                continue;
            }

            OrtTensorTypeAndShapeInfo info = results[i].GetTensorTypeAndShape();
            shapes[names[i]] = Array.ConvertAll(info.Shape, d => checked((int)d));
            if (info.ElementDataType is TensorElementType.Float or TensorElementType.Double or TensorElementType.Float16 or TensorElementType.BFloat16)
            {
                floats.Add(names[i]);
            }

            else if (info.ElementCount <= MaxShapeConstant && !dataDependent.Contains(names[i]) && Integers(results[i], info.ElementDataType) is { } values)
            {
                constants[names[i]] = values;
            }

            bytes += info.ElementCount * ElementSize(info.ElementDataType);
        }

        return new ProbedShapes(shapes, bytes, floats, constants);
    }

    private const long MaxShapeConstant = 4096;

    private static long[]? Integers(OrtValue value, TensorElementType type) => type switch
    {
        TensorElementType.Int64 => value.GetTensorDataAsSpan<long>().ToArray(),
        TensorElementType.Int32 => Array.ConvertAll(value.GetTensorDataAsSpan<int>().ToArray(), v => (long)v),
        TensorElementType.Bool => Array.ConvertAll(value.GetTensorDataAsSpan<bool>().ToArray(), v => v ? 1L : 0L),
        _ => null,
    };

    private static int ElementSize(TensorElementType type) => type switch
    {
        TensorElementType.Double or TensorElementType.Int64 or TensorElementType.UInt64 => 8,
        TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Int16 or TensorElementType.UInt16 => 2,
        TensorElementType.Bool or TensorElementType.Int8 or TensorElementType.UInt8 => 1,
        _ => 4,
    };
}
