namespace MedExplain.Models;

/// <summary>What a model's image input takes, as far as preparing a scan for it needs to know: its declared
/// dimensions and its card. The model (and ONNX Runtime) stays out of the imaging code.</summary>
/// <param name="ModelPath">The model file, named in messages.</param>
/// <param name="InputName">The image input's name.</param>
/// <param name="DeclaredDims">Its declared dimensions; null where one is symbolic or unknown.</param>
/// <param name="DeclaredShape">The declared shape as text, such as "(batch, 1, 128, 128)".</param>
/// <param name="Card">The model card, or null.</param>
/// <param name="CannotFeed">Why MedExplain cannot feed the model (several inputs, not float32), or null when it can.</param>
public sealed record ModelInputSpec(string ModelPath, string InputName, IReadOnlyList<long?> DeclaredDims, string DeclaredShape, ModelCard? Card, string? CannotFeed)
{
    /// <summary>The input shape for <paramref name="batch"/> items: from the card, else from the declared fixed dims.</summary>
    /// <param name="batch">The number of items.</param>
    /// <returns>The shape, or null when the model leaves spatial dimensions open and has no card.</returns>
    public int[]? ShapeFor(int batch)
    {
        if (Card is not null)
        {
            return Card.InputShape(batch);
        }

        if (DeclaredDims.Count == 0 || DeclaredDims.Skip(1).Any(d => d is null))
        {
            return null;
        }

        return [batch, .. DeclaredDims.Skip(1).Select(d => (int)d!.Value)];
    }

    /// <summary>Gets the input's rank: the card's or the declared one.</summary>
    public int Rank => ShapeFor(1)?.Length ?? DeclaredDims.Count;

    /// <summary>Throws unless <paramref name="input"/> has the rank, channels and spatial size the model takes.</summary>
    /// <param name="input">The batch (N, C, …).</param>
    /// <param name="source">Where the input came from, named in the error.</param>
    /// <exception cref="MedExplainInputException">The model cannot be fed one float image, or the shapes do not fit.</exception>
    public void Check(FloatTensor input, string source)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (CannotFeed is not null)
        {
            throw new MedExplainInputException(ModelPath, CannotFeed);
        }

        int[]? expected = ShapeFor(input.BatchSize);
        int rank = expected?.Length ?? DeclaredDims.Count;
        string want = expected is null ? DeclaredShape : FloatTensor.FormatShape(expected.AsSpan(1)) + " per item";
        if (rank != 0 && input.Rank != rank)
        {
            throw new MedExplainInputException(source, $"has shape {FloatTensor.FormatShape(input.Shape)} (rank {input.Rank}), but model input '{InputName}' takes rank {rank}: {want}.");
        }

        if (input.BatchSize == 0)
        {
            throw new MedExplainInputException(source, "holds no items (batch size 0).");
        }

        for (int axis = 1; axis < input.Rank; axis++)
        {
            long? size = expected is not null ? expected[axis] : DeclaredDims[axis];
            if (size is long s && s != input.Shape[axis])
            {
                string what = axis == 1 ? $"{input.Shape[1]} channel(s) but the model takes {s}" : $"size {input.Shape[axis]} on axis {axis} but the model takes {s}";
                throw new MedExplainInputException(source, $"has {what}: input shape {FloatTensor.FormatShape(input.Shape)}, model input '{InputName}' {want}.");
            }
        }
    }
}
