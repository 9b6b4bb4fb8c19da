using MedExplain.Onnx.Backward;
using Onnx;

namespace MedExplain.Onnx.Canonizers;

/// <summary>Writes LayerNormalization and InstanceNormalization out as the primitive ops they compute: μ = mean(x),
/// d = x − μ, σ = √(mean(d·d) + ε), y = d/σ·scale + bias, the means over the normalised axes. DeepLIFT has exact rules
/// for every one of those (linear ops, the product and the quotient of activations, Rescale for √), so the written-out
/// norm sums to delta where the fused op would have no rule.</summary>
public static class NormalizationDecomposition
{
    /// <summary>Replaces every LayerNormalization and InstanceNormalization of <paramref name="graph"/> in place and
    /// returns how many it replaced.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="opset">The default domain's opset (ReduceMean took its axes as an input from opset 18).</param>
    /// <param name="rankOf">The rank of a tensor (from the probe).</param>
    public static int Apply(GraphProto graph, int opset, Func<string, int> rankOf)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(rankOf);
        int replaced = 0;
        for (int i = 0; i < graph.Node.Count; i++)
        {
            NodeProto node = graph.Node[i];
            if (node.OpType is not ("LayerNormalization" or "InstanceNormalization") || node.Domain is not ("" or "ai.onnx")
                || node.Output.Skip(1).Any(o => o.Length > 0))
            {
                continue;
            }

            List<NodeProto> written = WriteOut(graph, node, opset, rankOf(node.Input[0]));
            graph.Node.RemoveAt(i);
            for (int n = written.Count - 1; n >= 0; n--)
            {
                graph.Node.Insert(i, written[n]);
            }

            i += written.Count - 1;
            replaced++;
        }

        return replaced;
    }

    private static List<NodeProto> WriteOut(GraphProto graph, NodeProto norm, int opset, int rank)
    {
        string prefix = (norm.Name.Length > 0 ? norm.Name : norm.Output[0]) + "/written-out/";
        var nodes = new List<NodeProto>();
        string Add(string op, string name, params string[] inputs)
        {
            var node = new NodeProto { OpType = op, Name = prefix + name, Output = { prefix + name } };
            node.Input.AddRange(inputs);
            nodes.Add(node);
            return node.Output[0];
        }

        string Constant(string name, TensorProto tensor)
        {
            tensor.Name = prefix + name;
            graph.Initializer.Add(tensor);
            return tensor.Name;
        }

        bool layer = norm.OpType == "LayerNormalization";
        long first = layer ? NodeAttributes.Whole(norm, "axis", -1) : 2;
        first = first < 0 ? first + rank : first;
        long[] axes = [.. Enumerable.Range((int)first, rank - (int)first).Select(a => (long)a)];
        string Mean(string name, string x)
        {
            if (opset >= 18)
            {
                return Add("ReduceMean", name, x, Constant(name + "-axes", Ints([axes.Length], axes)));
            }

            string mean = Add("ReduceMean", name, x);
            nodes[^1].Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { axes } });
            return mean;
        }

        string x = norm.Input[0];
        string centred = Add("Sub", "centred", x, Mean("mean", x));
        string variance = Mean("variance", Add("Mul", "squared", centred, centred));
        float epsilon = NodeAttributes.Real(norm, "epsilon", 1e-5f);
        string deviation = Add("Sqrt", "deviation", Add("Add", "variance-eps", variance, Constant("epsilon", Floats([], [epsilon]))));
        string normalised = Add("Div", "normalised", centred, deviation);

        // InstanceNormalization's scale and bias are per channel: shaped (C, 1, …, 1) to broadcast over (N, C, spatial…).
        string PerChannel(string name, string tensor) => layer || tensor.Length == 0
            ? tensor
            : Add("Reshape", name, tensor, Constant(name + "-shape", Ints([rank - 1], [-1, .. Enumerable.Repeat(1L, rank - 2)])));
        string scaled = Add("Mul", "scaled", normalised, PerChannel("scale", norm.Input[1]));
        string result = norm.Input.Count > 2 && norm.Input[2].Length > 0 ? Add("Add", "shifted", scaled, PerChannel("bias", norm.Input[2])) : scaled;
        nodes.Add(new NodeProto { OpType = "Identity", Name = prefix + "output", Input = { result }, Output = { norm.Output[0] } });
        return nodes;
    }

    private static TensorProto Ints(long[] dims, long[] values)
    {
        var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        return tensor;
    }

    private static TensorProto Floats(long[] dims, float[] values)
    {
        var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }
}
