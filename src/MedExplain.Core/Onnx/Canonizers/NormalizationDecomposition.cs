using MedExplain.Onnx.Backward;
using Onnx;

namespace MedExplain.Onnx.Canonizers;

/// <summary>Writes LayerNormalization, InstanceNormalization and GroupNormalization out as the primitive ops they
/// compute: μ = mean(x), d = x − μ, σ = √(mean(d·d) + ε), y = d/σ·scale + bias, the means over the normalised axes
/// (for groups, over each group of channels of an (N, G, −1) view). DeepLIFT has exact rules for every one of those
/// (linear ops, the product and the quotient of activations, Rescale for √), so the written-out norm sums to delta
/// where the fused op would have no rule; GroupNormalization (opset 18) has no rule of its own at all.</summary>
public static class NormalizationDecomposition
{
    /// <summary>Gets the norms this rewrite writes out.</summary>
    public static IReadOnlyList<string> Norms { get; } = ["LayerNormalization", "InstanceNormalization", "GroupNormalization"];

    /// <summary>Replaces every norm of the <paramref name="kinds"/> in <paramref name="graph"/> in place and returns how
    /// many it replaced.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="opset">The default domain's opset (ReduceMean took its axes as an input from opset 18; GroupNormalization
    /// scales per channel from opset 21, per group before).</param>
    /// <param name="shapeOf">The shape of a tensor (from the probe).</param>
    /// <param name="kinds">Which of <see cref="Norms"/> to write out.</param>
    public static int Apply(GraphProto graph, int opset, Func<string, int[]> shapeOf, IReadOnlyCollection<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(shapeOf);
        ArgumentNullException.ThrowIfNull(kinds);
        int replaced = 0;
        for (int i = 0; i < graph.Node.Count; i++)
        {
            NodeProto node = graph.Node[i];
            if (!kinds.Contains(node.OpType) || node.Domain is not ("" or "ai.onnx") || node.Output.Skip(1).Any(o => o.Length > 0))
            {
                continue;
            }

            List<NodeProto> written = WriteOut(graph, node, opset, shapeOf(node.Input[0]));
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

    private static List<NodeProto> WriteOut(GraphProto graph, NodeProto norm, int opset, int[] shape)
    {
        int rank = shape.Length;
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
        long[] axes;
        first = first < 0 ? first + rank : first;
        axes = [.. Enumerable.Range((int)first, rank - (int)first).Select(a => (long)a)];
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
        bool group = norm.OpType == "GroupNormalization";
        long groups = group ? NodeAttributes.Whole(norm, "num_groups", 1) : 0;
        if (group)
        {
            // Normalise an (N, G, −1) view over its last axis.
            x = Add("Reshape", "grouped", x, Constant("grouped-shape", Ints([3], [shape[0], groups, -1])));
            axes = [2];
        }

        string centred = Add("Sub", "centred", x, Mean("mean", x));
        string variance = Mean("variance", Add("Mul", "squared", centred, centred));
        float epsilon = NodeAttributes.Real(norm, "epsilon", 1e-5f);
        string deviation = Add("Sqrt", "deviation", Add("Add", "variance-eps", variance, Constant("epsilon", Floats([], [epsilon]))));
        string normalised = Add("Div", "normalised", centred, deviation);

        // InstanceNormalization's scale and bias are per channel: shaped (C, 1, …, 1) to broadcast over (N, C, spatial…);
        // GroupNormalization's per group on the (N, G, −1) view before opset 21, per channel after it.
        bool perGroup = group && opset < 21;
        if (group && !perGroup)
        {
            normalised = Add("Reshape", "ungrouped", normalised, Constant("ungrouped-shape", Ints([rank], [.. shape.Select(d => (long)d)])));
        }

        string PerChannel(string name, string tensor) => layer || tensor.Length == 0
            ? tensor
            : perGroup
                ? Add("Reshape", name, tensor, Constant(name + "-shape", Ints([2], [-1, 1])))
                : Add("Reshape", name, tensor, Constant(name + "-shape", Ints([rank - 1], [-1, .. Enumerable.Repeat(1L, rank - 2)])));
        string scaled = Add("Mul", "scaled", normalised, PerChannel("scale", norm.Input[1]));
        string result = norm.Input.Count > 2 && norm.Input[2].Length > 0 ? Add("Add", "shifted", scaled, PerChannel("bias", norm.Input[2])) : scaled;
        if (perGroup)
        {
            result = Add("Reshape", "ungrouped", result, Constant("ungrouped-shape", Ints([rank], [.. shape.Select(d => (long)d)])));
        }

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
