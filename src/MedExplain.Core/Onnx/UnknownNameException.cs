namespace MedExplain.Onnx;

/// <summary>A tensor or node name that the model does not have (a CAM layer, a rule override, a requested signal).</summary>
public sealed class UnknownNameException : MedExplainInputException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="modelPath">The model file.</param>
    /// <param name="kind">"tensor" or "node".</param>
    /// <param name="name">The name that was asked for.</param>
    public UnknownNameException(string modelPath, string kind, string name)
        : base(modelPath, $"the model has no {kind} named '{name}'.")
    {
        Kind = kind;
        Name = name;
    }

    /// <summary>Gets what kind of name it is: "tensor" or "node".</summary>
    public string Kind { get; }

    /// <summary>Gets the name.</summary>
    public string Name { get; }

    /// <summary>Gets a sentence that helps find the right name ("Did you mean …?"), or an empty string.</summary>
    public string Hint { get; init; } = string.Empty;
}
