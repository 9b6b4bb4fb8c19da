using MedExplain.Models;

namespace MedExplain.Onnx;

/// <summary>Checks that a model card fits the model it sits beside: names exist, shapes and class counts agree.</summary>
internal static class ModelCardValidator
{
    public static void Validate(ModelCard card, OnnxModel model)
    {
        string path = card.SourcePath;
        if (card.InputName is { } input && model.Inputs.All(i => i.Name != input))
        {
            throw Mismatch(path, $"input.name is '{input}', but the model's inputs are {Names(model.Inputs)}");
        }

        if (card.OutputName is { } output && model.Outputs.All(o => o.Name != output))
        {
            throw Mismatch(path, $"output.name is '{output}', but the model's outputs are {Names(model.Outputs)}");
        }

        TensorInfo image = model.ImageInput;
        int[] declared = card.InputShape(1);
        if (image.Rank != 0 && image.Rank != declared.Length)
        {
            throw Mismatch(path, $"layout {card.Layout} means a rank-{declared.Length} input, but '{image.Name}' is {image.FormatShape()}");
        }

        for (int axis = 1; axis < image.Rank; axis++)
        {
            if (image.Dimensions[axis].Size is long size && size != declared[axis])
            {
                throw Mismatch(path, $"declares input shape {FloatTensor.FormatShape(declared.AsSpan(1))} per item, but '{image.Name}' is {image.FormatShape()}");
            }
        }

        TensorInfo scores = model.ScoreOutput;
        if (scores.Rank == 2 && scores.Dimensions[1].Size is long classes && classes != card.ClassNames.Count)
        {
            throw Mismatch(path, $"names {card.ClassNames.Count} classes, but output '{scores.Name}' has {classes}");
        }

        if (card.CamLayer is { } layer && !model.Graph.Defines(layer))
        {
            throw Mismatch(path, $"camLayer '{layer}' is not a tensor of the model's graph");
        }

        if (card.Dropout is { } dropout && !model.Graph.Defines(dropout.At))
        {
            throw Mismatch(path, $"dropout.at '{dropout.At}' is not a tensor of the model's graph");
        }
    }

    private static MedExplainInputException Mismatch(string path, string problem) =>
        new(path, $"model card does not fit the model: {problem}.");

    private static string Names(IEnumerable<TensorInfo> tensors) => string.Join(", ", tensors.Select(t => $"'{t.Name}'"));
}
