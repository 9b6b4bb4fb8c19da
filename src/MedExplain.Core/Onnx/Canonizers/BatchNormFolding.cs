using Google.Protobuf;
using Onnx;

namespace MedExplain.Onnx.Canonizers;

/// <summary>
/// Folds each BatchNormalization (inference form) into the Conv or Gemm that feeds it alone: W' = W·γ/√(σ²+ε) per output
/// channel, b' = (b − μ)·γ/√(σ²+ε) + β. LRP rules then see one linear layer with the model's real weights. A BatchNorm
/// that follows an Add or starts a branch cannot be folded and stays (LRP treats it as a linear layer).
/// </summary>
public static class BatchNormFolding
{
    /// <summary>Returns a copy of the model with every foldable BatchNormalization folded, and how many were.</summary>
    /// <param name="model">The model; not changed.</param>
    public static (ModelProto Folded, int Count) Apply(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelProto folded = model.Clone();
        GraphProto graph = folded.Graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name);
        int count = 0;
        foreach (NodeProto bn in graph.Node.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            NodeProto? layer = graph.Node.FirstOrDefault(n => n.Output.Contains(bn.Input[0]));
            bool alone = graph.Node.Count(n => n.Input.Contains(bn.Input[0])) == 1 && graph.Output.All(o => o.Name != bn.Input[0]);
            if (layer is null || !alone || layer.OpType is not ("Conv" or "Gemm") || bn.Output.Count > 1
                || !TryFloats(initializers, layer.Input[1], out float[] weights)
                || !bn.Input.Skip(1).Take(4).All(initializers.ContainsKey)
                || (layer.OpType == "Gemm" && (Attribute(layer, "transA") != 0 || Real(layer, "alpha", 1) != 1 || Real(layer, "beta", 1) != 1)))
            {
                continue;
            }

            TryFloats(initializers, bn.Input[1], out float[] gamma);
            TryFloats(initializers, bn.Input[2], out float[] beta);
            TryFloats(initializers, bn.Input[3], out float[] mean);
            TryFloats(initializers, bn.Input[4], out float[] variance);
            float epsilon = Real(bn, "epsilon", 1e-5f);
            int channels = gamma.Length;
            float[] bias = layer.Input.Count > 2 && layer.Input[2].Length > 0 && TryFloats(initializers, layer.Input[2], out float[] b) ? b : new float[channels];
            float[] scale = [.. Enumerable.Range(0, channels).Select(c => gamma[c] / MathF.Sqrt(variance[c] + epsilon))];

            // Conv weights are (out, in/groups, k…); Gemm's B is (in, out), or (out, in) with transB.
            bool outputsLast = layer.OpType == "Gemm" && Attribute(layer, "transB") == 0;
            int perChannel = weights.Length / channels;
            var newWeights = new float[weights.Length];
            for (int n = 0; n < weights.Length; n++)
            {
                int channel = outputsLast ? n % channels : n / perChannel;
                newWeights[n] = weights[n] * scale[channel];
            }

            float[] newBias = [.. Enumerable.Range(0, channels).Select(c => ((bias[c] - mean[c]) * scale[c]) + beta[c])];
            TensorProto weightProto = initializers[layer.Input[1]];
            string weightName = Add(graph, initializers, $"{layer.Input[1]}_bn_folded_{count}", [.. weightProto.Dims], newWeights);
            string biasName = Add(graph, initializers, $"{bn.Name}_folded_bias_{count}", [channels], newBias);
            layer.Input[1] = weightName;
            while (layer.Input.Count < 3)
            {
                layer.Input.Add(string.Empty);
            }

            layer.Input[2] = biasName;
            layer.Output[0] = bn.Output[0];
            graph.Node.Remove(bn);
            count++;
        }

        return (folded, count);
    }

    private static bool TryFloats(Dictionary<string, TensorProto> initializers, string name, out float[] values)
    {
        values = [];
        if (!initializers.TryGetValue(name, out TensorProto? proto) || proto.DataType != (int)TensorProto.Types.DataType.Float)
        {
            return false;
        }

        values = GraphIndex.ReadFloats(proto);
        return true;
    }

    private static string Add(GraphProto graph, Dictionary<string, TensorProto> initializers, string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray()) };
        tensor.Dims.AddRange(dims);
        graph.Initializer.Add(tensor);
        initializers[name] = tensor;
        return name;
    }

    private static long Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? 0;

    private static float Real(NodeProto node, string name, float fallback) => node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;
}
