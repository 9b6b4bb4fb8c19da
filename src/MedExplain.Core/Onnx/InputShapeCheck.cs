namespace MedExplain.Onnx;

/// <summary>Checks a batch against the model's image input before any run, with a message a user can act on
/// (the rules are <see cref="Models.ModelInputSpec.Check"/>'s).</summary>
public static class InputShapeCheck
{
    /// <summary>Throws unless <paramref name="input"/> has the rank, channels and spatial size the model takes.</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">The batch (N, C, …).</param>
    /// <param name="source">Where the input came from, named in the error.</param>
    /// <exception cref="MedExplainInputException">The model cannot be fed one float image, or the shapes do not fit.</exception>
    public static void Check(OnnxModel model, FloatTensor input, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.InputSpec.Check(input, source);
    }
}
