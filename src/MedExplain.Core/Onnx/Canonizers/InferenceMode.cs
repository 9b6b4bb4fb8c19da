using Onnx;

namespace MedExplain.Onnx.Canonizers;

/// <summary>Puts the Dropout nodes of a training-mode export into inference mode (their training_mode input removed, so
/// they pass values through): otherwise ONNX Runtime drops values at random on every run and every prediction and map
/// changes from run to run. MC dropout uses these nodes as its sites, with masks of its own.</summary>
public static class InferenceMode
{
    /// <summary>Rewrites, in place, every Dropout that names a training_mode input; returns how many.</summary>
    /// <param name="graph">The graph, changed in place.</param>
    public static int Apply(GraphProto graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int changed = 0;
        foreach (NodeProto node in graph.Node.Where(n => n.OpType == "Dropout" && n.Input.Count > 2 && n.Input[2].Length > 0))
        {
            node.Input.RemoveAt(2);
            changed++;
        }

        return changed;
    }
}
