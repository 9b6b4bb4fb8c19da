using Onnx;

namespace MedExplain.Onnx.Canonizers;

/// <summary>Replaces each If node whose condition is fixed for the compiled input shape (a constant, or arithmetic on the
/// input's shape, as scripted models write "if x.size(2) &gt; …") with the nodes of the branch it takes, so that the
/// backward walk sees them. An If that chooses by the input's data stays, and the compiler refuses it by name.</summary>
public static class IfFolding
{
    /// <summary>Folds, in place, every If whose condition <paramref name="constantOf"/> knows, including Ifs nested in
    /// the branches taken; returns how many were folded.</summary>
    /// <param name="graph">The graph, changed in place.</param>
    /// <param name="constantOf">The value of a tensor fixed at this input shape, or null.</param>
    public static int Apply(GraphProto graph, Func<string, long[]?> constantOf)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(constantOf);
        int folded = 0;
        for (int i = 0; i < graph.Node.Count; i++)
        {
            NodeProto node = graph.Node[i];
            if (node.OpType != "If" || node.Domain is not ("" or "ai.onnx") || constantOf(node.Input[0]) is not [long condition])
            {
                continue;
            }

            GraphProto branch = node.Attribute.First(a => a.Name == (condition != 0 ? "then_branch" : "else_branch")).G;
            graph.Node.RemoveAt(i);
            List<NodeProto> inlined = Inline(branch, node, graph);
            for (int n = inlined.Count - 1; n >= 0; n--)
            {
                graph.Node.Insert(i, inlined[n]);
            }

            folded++;
            i--; // The inlined nodes may hold Ifs of their own.
        }

        return folded;
    }

    /// <summary>The branch's nodes with its own tensors renamed under the If's name (outer names stay), then an Identity
    /// from each branch output to the If's output; the branch's initializers move to the graph.</summary>
    private static List<NodeProto> Inline(GraphProto branch, NodeProto ifNode, GraphProto graph)
    {
        string prefix = (ifNode.Name.Length > 0 ? ifNode.Name : ifNode.Output[0]) + "/";
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (TensorProto initializer in branch.Initializer)
        {
            TensorProto copy = initializer.Clone();
            renamed[initializer.Name] = copy.Name = prefix + initializer.Name;
            graph.Initializer.Add(copy);
        }

        foreach (string output in branch.Node.SelectMany(n => n.Output).Where(o => o.Length > 0))
        {
            renamed[output] = prefix + output;
        }

        var nodes = new List<NodeProto>();
        foreach (NodeProto original in branch.Node)
        {
            NodeProto node = original.Clone();
            node.Name = prefix + node.Name;
            for (int i = 0; i < node.Input.Count; i++)
            {
                node.Input[i] = renamed.GetValueOrDefault(node.Input[i], node.Input[i]);
            }

            for (int o = 0; o < node.Output.Count; o++)
            {
                node.Output[o] = renamed.GetValueOrDefault(node.Output[o], node.Output[o]);
            }

            RenameInSubgraphs(node, renamed);
            nodes.Add(node);
        }

        for (int o = 0; o < ifNode.Output.Count; o++)
        {
            string source = branch.Output[o].Name;
            nodes.Add(new NodeProto
            {
                OpType = "Identity",
                Name = prefix + "output" + o,
                Input = { renamed.GetValueOrDefault(source, source) },
                Output = { ifNode.Output[o] },
            });
        }

        return nodes;
    }

    /// <summary>Nested subgraphs read the renamed tensors by their old names: rename those reads too.</summary>
    private static void RenameInSubgraphs(NodeProto node, Dictionary<string, string> renamed)
    {
        foreach (GraphProto subgraph in node.Attribute.SelectMany(a => a.Graphs.Append(a.G)).Where(g => g is not null))
        {
            foreach (NodeProto inner in subgraph.Node)
            {
                for (int i = 0; i < inner.Input.Count; i++)
                {
                    inner.Input[i] = renamed.GetValueOrDefault(inner.Input[i], inner.Input[i]);
                }

                RenameInSubgraphs(inner, renamed);
            }
        }
    }
}
