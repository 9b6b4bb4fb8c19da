using Onnx;

namespace MedExplain.Onnx;

/// <summary>The layers with weights that several methods treat specially (LRP's first layer, patterns, the
/// randomisation cascade): Conv, ConvTranspose, Gemm and MatMul whose second input is a constant.</summary>
public static class LinearLayers
{
    /// <summary>The linear layers the image input reaches, in graph (topological) order.</summary>
    /// <param name="model">The model.</param>
    public static IReadOnlyList<NodeProto> ReachedFromInput(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var initializers = model.Proto.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var reached = new HashSet<string> { model.ImageInput.Name };
        var layers = new List<NodeProto>();
        foreach (NodeProto node in model.Proto.Graph.Node)
        {
            if (!node.Input.Any(reached.Contains))
            {
                continue;
            }

            reached.UnionWith(node.Output);
            if (node.OpType is "Conv" or "ConvTranspose" or "Gemm" or "MatMul" && node.Input.Count > 1 && initializers.Contains(node.Input[1]))
            {
                layers.Add(node);
            }
        }

        return layers;
    }
}
