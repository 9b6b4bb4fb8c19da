using MedExplain.Onnx.Backward;
using Onnx;

namespace MedExplain.Onnx.Canonizers;

/// <summary>Raises a compiled graph of opset 7 or 8 to opset 9, the oldest the backward rules are written for (Where came
/// at 9, Expand at 8). Checked op by op: between 7 and 9 most ops only gained types or broadcasting and keep their
/// meaning; Upsample moved its scales from an attribute to an input (rewritten here), BatchNormalization dropped
/// <c>spatial</c> (only the default, 1, keeps its meaning) and Scan changed its signature (refused).</summary>
public static class OpsetUpgrade
{
    /// <summary>The oldest opset the backward rules emit for.</summary>
    public const int MinimumOpset = 9;

    /// <summary>Raises <paramref name="model"/> in place when it is older than <see cref="MinimumOpset"/>, and returns
    /// the default domain's opset it then has.</summary>
    /// <param name="model">A copy of the model, changed in place.</param>
    /// <param name="modelPath">The model file, for messages.</param>
    /// <exception cref="UnsupportedModelException">An op whose meaning changed by opset 9 cannot be rewritten.</exception>
    public static int Apply(ModelProto model, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(model);
        OperatorSetIdProto? import = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        int opset = (int)(import?.Version ?? 0);
        if (import is null || opset >= MinimumOpset)
        {
            return opset;
        }

        List<NodeProto> nodes = [.. AllNodes(model.Graph)];
        List<(string, string)> blocked = [.. nodes
            .Where(n => n.OpType == "Scan" || (n.OpType == "BatchNormalization" && NodeAttributes.Whole(n, "spatial", 1) != 1))
            .Select(n => (n.Name, n.OpType))];
        if (blocked.Count > 0)
        {
            throw new UnsupportedModelException(modelPath, blocked, "opset-9",
                $"the model is opset {opset} and these ops changed meaning by opset {MinimumOpset}, which the backward rules need");
        }

        foreach (NodeProto upsample in nodes.Where(n => n.OpType == "Upsample" && n.Attribute.Any(a => a.Name == "scales")))
        {
            AttributeProto scales = upsample.Attribute.First(a => a.Name == "scales");
            var constant = new TensorProto { Name = upsample.Output[0] + "/scales", DataType = (int)TensorProto.Types.DataType.Float };
            constant.Dims.Add(scales.Floats.Count);
            constant.FloatData.AddRange(scales.Floats);
            model.Graph.Initializer.Add(constant);
            upsample.Attribute.Remove(scales);
            upsample.Input.Add(constant.Name);
        }

        foreach (NodeProto batchNorm in nodes.Where(n => n.OpType == "BatchNormalization"))
        {
            AttributeProto? spatial = batchNorm.Attribute.FirstOrDefault(a => a.Name == "spatial");
            if (spatial is not null)
            {
                batchNorm.Attribute.Remove(spatial);
            }
        }

        import.Version = MinimumOpset;
        return MinimumOpset;
    }

    private static IEnumerable<NodeProto> AllNodes(GraphProto graph) =>
        graph.Node.SelectMany(n => n.Attribute.SelectMany(a => a.Graphs.Append(a.G)).Where(g => g is not null).SelectMany(AllNodes).Prepend(n));
}
