namespace MedExplain.Onnx;

/// <summary>Checks a batch against the model's image input before any run, with a message a user can act on.</summary>
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
        ArgumentNullException.ThrowIfNull(input);
        CheckFeedable(model);
        TensorInfo declared = model.ImageInput;
        int[]? expected = model.InputShapeFor(input.BatchSize);
        int rank = expected?.Length ?? declared.Rank;
        string want = expected is null ? declared.FormatShape() : FloatTensor.FormatShape(expected.AsSpan(1)) + " per item";
        if (rank != 0 && input.Rank != rank)
        {
            throw new MedExplainInputException(source, $"has shape {FloatTensor.FormatShape(input.Shape)} (rank {input.Rank}), but model input '{declared.Name}' takes rank {rank}: {want}.");
        }

        if (input.BatchSize == 0)
        {
            throw new MedExplainInputException(source, "holds no items (batch size 0).");
        }

        for (int axis = 1; axis < input.Rank; axis++)
        {
            long? size = expected is not null ? expected[axis] : declared.Dimensions[axis].Size;
            if (size is long s && s != input.Shape[axis])
            {
                string what = axis == 1 ? $"{input.Shape[1]} channel(s) but the model takes {s}" : $"size {input.Shape[axis]} on axis {axis} but the model takes {s}";
                throw new MedExplainInputException(source, $"has {what}: input shape {FloatTensor.FormatShape(input.Shape)}, model input '{declared.Name}' {want}.");
            }
        }
    }

    private static void CheckFeedable(OnnxModel model)
    {
        if (model.Inputs.Count > 1)
        {
            string names = string.Join(", ", model.Inputs.Select(i => $"'{i.Name}'"));
            throw new MedExplainInputException(model.FilePath, $"the model has {model.Inputs.Count} inputs ({names}); MedExplain feeds models with one image input.");
        }

        if (model.ImageInput.ElementType != "float")
        {
            throw new MedExplainInputException(model.FilePath, $"input '{model.ImageInput.Name}' is {model.ImageInput.ElementType}; MedExplain feeds float32 images.");
        }
    }
}
