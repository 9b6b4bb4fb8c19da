using Onnx;

namespace MedExplain.Onnx;

/// <summary>The one definition of a linear layer, for every method that treats them specially (LRP's layer rules and
/// first layer, RevealCancel, patterns, the randomisation cascade): Conv, ConvTranspose, Gemm or MatMul with constant
/// weights (an initializer or a Constant, possibly behind Identity nodes, as TorchScript exports route them).</summary>
public static class LinearLayers
{
    /// <summary>The index of the layer's constant weight input: 1, or 0 for a MatMul whose constant is its first
    /// operand; −1 when the node is no linear layer.</summary>
    /// <param name="node">The node.</param>
    /// <param name="constantOf">The constant tensor behind a name, or null when it is computed.</param>
    public static int WeightIndex(NodeProto node, Func<string, TensorProto?> constantOf)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(constantOf);
        if (!OpFacts.WeightedLayers.Contains(node.OpType) || node.Input.Count < 2)
        {
            return -1;
        }

        if (constantOf(node.Input[1]) is not null)
        {
            return 1;
        }

        return node.OpType == "MatMul" && constantOf(node.Input[0]) is not null ? 0 : -1;
    }

    /// <summary>The linear layers the image input reaches, in graph (topological) order.</summary>
    /// <param name="model">The model.</param>
    public static IReadOnlyList<NodeProto> ReachedFromInput(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var reached = new HashSet<string> { model.ImageInput.Name };
        var layers = new List<NodeProto>();
        foreach (NodeProto node in model.Proto.Graph.Node)
        {
            if (!node.Input.Any(reached.Contains))
            {
                continue;
            }

            reached.UnionWith(node.Output);
            if (WeightIndex(node, model.Graph.Constant) >= 0)
            {
                layers.Add(node);
            }
        }

        return layers;
    }
}
