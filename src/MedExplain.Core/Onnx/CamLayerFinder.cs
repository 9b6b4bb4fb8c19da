using Onnx;

namespace MedExplain.Onnx;

/// <summary>Finds the activations a CAM method can weight: the input of every global spatial pooling.</summary>
/// <remarks>Global pooling takes three spellings in exported graphs: GlobalAveragePool/GlobalMaxPool (TorchScript),
/// ReduceMean/ReduceMax over all spatial axes (dynamo, opset 18 with axes as an input; TensorFlow converters), and an
/// AveragePool whose output is 1×1 (fixed-size adaptive pooling). Pass-through ops between the activation and the
/// pooling (Identity, Dropout) are skipped so the candidate is the activation itself.</remarks>
internal static class CamLayerFinder
{
    private static readonly HashSet<string> PassThrough = ["Identity", "Dropout"];

    public static IReadOnlyList<CamLayerCandidate> Find(GraphIndex index, IReadOnlyDictionary<string, int[]>? shapes)
    {
        var candidates = new List<CamLayerCandidate>();
        foreach (NodeProto node in index.Graph.Node)
        {
            int? rank = PooledRank(index, node, shapes);
            if (rank is not (4 or 5))
            {
                continue;
            }

            string tensor = node.Input[0];
            NodeProto? producer = index.Producer(tensor);
            while (producer is not null && PassThrough.Contains(producer.OpType))
            {
                tensor = producer.Input[0];
                producer = index.Producer(tensor);
            }

            if (producer is not null && candidates.All(c => c.TensorName != tensor))
            {
                candidates.Add(new CamLayerCandidate(tensor, producer.Name, producer.OpType, node.Name, rank.Value));
            }
        }

        return candidates;
    }

    /// <summary>The bottleneck of an encoder–decoder (the default layer of CAM methods on segmentation models, as in
    /// Seg-Grad-CAM): of the activations shaped like the input (N, C, spatial…), those at the coarsest resolution, the
    /// last in graph order, i.e. the deepest encoder output before the decoder starts upsampling.</summary>
    /// <param name="index">The graph.</param>
    /// <param name="shapes">Every tensor's shape at one input shape.</param>
    /// <param name="input">The image input.</param>
    public static CamLayerCandidate? Bottleneck(GraphIndex index, IReadOnlyDictionary<string, int[]> shapes, string input)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(shapes);
        int rank = shapes[input].Length;
        List<(NodeProto Node, long Positions)> activations = [.. index.Graph.Node
            .Where(n => OpFacts.ElementwiseActivations.Contains(n.OpType) && shapes.TryGetValue(n.Output[0], out int[]? s) && s.Length == rank)
            .Select(n => (n, shapes[n.Output[0]].Skip(2).Aggregate(1L, (p, d) => p * d)))];
        if (activations.Count == 0)
        {
            return null;
        }

        long coarsest = activations.Min(a => a.Positions);
        NodeProto deepest = activations.Last(a => a.Positions == coarsest).Node;
        return new CamLayerCandidate(deepest.Output[0], deepest.Name, deepest.OpType, string.Empty, rank);
    }

    /// <summary>The rank of the node's input if the node pools it globally over all spatial axes, else null.</summary>
    private static int? PooledRank(GraphIndex index, NodeProto node, IReadOnlyDictionary<string, int[]>? shapes)
    {
        int? inputRank = shapes is not null && node.Input.Count > 0 && shapes.TryGetValue(node.Input[0], out int[]? shape) ? shape.Length : null;
        switch (node.OpType)
        {
            case "GlobalAveragePool" or "GlobalMaxPool":
                return inputRank ?? 4;
            case "ReduceMean" or "ReduceMax":
                long[]? axes = ReduceAxes(index, node);
                if (axes is null)
                {
                    return null;
                }

                int rank = inputRank ?? (int)(axes.Max() + 1);
                var normalised = axes.Select(a => a < 0 ? a + rank : a).Order().ToArray();
                return rank >= 4 && normalised.SequenceEqual(Enumerable.Range(2, rank - 2).Select(a => (long)a)) ? rank : null;
            case "AveragePool" or "MaxPool":
                return shapes is not null && inputRank is 4 or 5 && shapes.TryGetValue(node.Output[0], out int[]? output)
                       && output.Skip(2).All(d => d == 1) && shapes[node.Input[0]].Skip(2).Any(d => d > 1)
                    ? inputRank
                    : null;
            default:
                return null;
        }
    }

    private static long[]? ReduceAxes(GraphIndex index, NodeProto node)
    {
        AttributeProto? attribute = node.Attribute.FirstOrDefault(a => a.Name == "axes");
        if (attribute is not null)
        {
            return [.. attribute.Ints];
        }

        return node.Input.Count > 1 && node.Input[1].Length > 0 ? index.IntegerConstant(node.Input[1]) : null;
    }
}
