using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace MedExplain.Onnx.Backward;

/// <summary>Finds where NaN or ±Inf first appears in a graph: runs it again with every node's float outputs exposed and
/// returns the first node, in graph order, with a non-finite value. Only run after a result came back non-finite.</summary>
internal static class NonFiniteTrace
{
    /// <summary>The first node with a non-finite output and its doc string (the compiler's "backward of …" note).</summary>
    public static (string Node, string Origin) FirstNode(ModelProto model, string modelPath, RuntimeOptions runtime, string[] inputNames, OrtValue[] inputs)
    {
        ModelProto traced = model.Clone();
        var declared = traced.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string output in traced.Graph.Node.SelectMany(n => n.Output).Where(o => o.Length > 0 && declared.Add(o)))
        {
            traced.Graph.Output.Add(new ValueInfoProto { Name = output });
        }

        using SessionOptions options = RuntimeSessionOptions.For(modelPath, runtime, optimize: false);
        using var session = new InferenceSession(traced.ToByteArray(), options);
        string[] names = [.. session.OutputNames];
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, inputNames, inputs, names);
        var nonFinite = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            if (results[i].OnnxType == OnnxValueType.ONNX_TYPE_TENSOR
                && results[i].GetTensorTypeAndShape().ElementDataType == TensorElementType.Float
                && !AllFinite(results[i].GetTensorDataAsSpan<float>()))
            {
                nonFinite.Add(names[i]);
            }
        }

        NodeProto? first = traced.Graph.Node.FirstOrDefault(n => n.Output.Any(nonFinite.Contains));
        return first is null ? ("(not found on a second run)", string.Empty) : (first.Name.Length > 0 ? first.Name : first.Output[0], first.DocString);
    }

    /// <summary>Whether every value is finite.</summary>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }
}
