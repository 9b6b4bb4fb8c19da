namespace MedExplain.Onnx.Backward;

/// <summary>A compiled explanation graph produced NaN or ±Inf: raised instead of returning the map, naming the node of
/// the compiled graph where the first non-finite value appeared and the forward node whose rule emitted it.</summary>
public sealed class NonFiniteResultException : MedExplainInputException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="modelPath">The model file.</param>
    /// <param name="ruleSet">The rule set's name.</param>
    /// <param name="node">The first node (graph order) with a non-finite output.</param>
    /// <param name="origin">What the node belongs to: "backward of 'NAME' (OP)", or empty for a forward node.</param>
    public NonFiniteResultException(string modelPath, string ruleSet, string node, string origin)
        : base(modelPath, $"the {ruleSet} pass produced NaN or infinite values; they first appear at node '{node}'" +
                          (origin.Length > 0 ? $", emitted for the {origin}." : " of the model's forward pass (check the input for NaN/Inf)."))
    {
        Node = node;
        Origin = origin;
    }

    /// <summary>Gets the first node with a non-finite output.</summary>
    public string Node { get; }

    /// <summary>Gets the forward node whose backward rule emitted it, as "backward of 'NAME' (OP)"; empty for a forward node.</summary>
    public string Origin { get; }
}
