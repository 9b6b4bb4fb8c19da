namespace MedExplain.Onnx.Backward;

/// <summary>The model holds ops on the explanation path that the chosen rule set cannot propagate through.</summary>
/// <remarks>Raised before anything runs; the message lists every offending node by name and op type.</remarks>
public sealed class UnsupportedModelException : MedExplainInputException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="modelPath">The model file.</param>
    /// <param name="nodes">The offending nodes as (name, op type).</param>
    /// <param name="ruleSet">The rule set's name.</param>
    /// <param name="reason">Why, when a rule exists but refuses this node's configuration.</param>
    public UnsupportedModelException(string modelPath, IReadOnlyList<(string Name, string OpType)> nodes, string ruleSet, string? reason = null)
        : base(modelPath, $"the {ruleSet} rules cannot pass through {nodes.Count} node(s) on the explanation path: " +
                          string.Join(", ", nodes.Select(n => $"'{n.Name}' ({n.OpType})")) + (reason is null ? "." : $": {reason}"))
    {
        Nodes = nodes;
    }

    /// <summary>Gets the nodes without a rule, as (name, op type).</summary>
    public IReadOnlyList<(string Name, string OpType)> Nodes { get; }
}
