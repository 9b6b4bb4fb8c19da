using MedExplain.Onnx;
using MedExplain.Prediction;

namespace MedExplain.Methods;

/// <summary>What each item's map explains, as the seed laid on the target output, and the explained quantity
/// Σ seed ⊙ output per item: a class score for class targets, a masked sum for segmentation or regression targets.</summary>
/// <param name="Classes">The target class of each item, or −1 for each item of a mask target.</param>
/// <param name="Scores">The explained quantity of each item (filled by the caller's passes for <see cref="ForFixedTargets"/>).</param>
/// <param name="Output">The target output's name.</param>
/// <param name="Mask">The mask target (one output item, or one per input item), or null for class targets.</param>
internal sealed record TargetScores(int[] Classes, float[] Scores, string Output, FloatTensor? Mask)
{
    /// <summary>Classes (the predicted one needs a forward pass) and the explained quantity from one batched forward pass.</summary>
    public static TargetScores Of(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options) =>
        Resolve(model, inputs, target, options, forward: true);

    /// <summary>Fixed targets without a forward pass, leaving the scores for the caller's own passes on the inputs; the
    /// predicted class still needs one.</summary>
    public static TargetScores ForFixedTargets(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options) =>
        Resolve(model, inputs, target, options, forward: false);

    /// <summary>Writes item <paramref name="item"/>'s seed into a zeroed row shaped like one output item.</summary>
    public void WriteSeed(int item, Span<float> seed)
    {
        if (Mask is { } mask)
        {
            (mask.Data.Length == seed.Length ? mask.Data.AsSpan() : mask.Data.AsSpan(item * seed.Length, seed.Length)).CopyTo(seed);
        }
        else
        {
            seed[Classes[item]] = 1;
        }
    }

    /// <summary>The explained quantity for another batch of inputs (baselines, say), from a forward pass.</summary>
    public float[] ScoresFor(OnnxModel model, FloatTensor inputs, AttributionOptions options)
    {
        FloatTensor outputs = Forward(model, inputs, Output, options);
        return [.. Enumerable.Range(0, inputs.BatchSize).Select(item => Dot(item, outputs.Item(item)))];
    }

    /// <summary>Σ seed ⊙ output for one item.</summary>
    public float Dot(int item, ReadOnlySpan<float> output)
    {
        var seed = new float[output.Length];
        WriteSeed(item, seed);
        double sum = 0;
        for (int i = 0; i < output.Length; i++)
        {
            sum += seed[i] * (double)output[i];
        }

        return (float)sum;
    }

    private static TargetScores Resolve(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, bool forward)
    {
        InputShapeCheck.Check(model, inputs, "input");
        string output = options.OutputName ?? model.ScoreOutput.Name;
        int[] outputShape = OutputShape(model, inputs, output);
        int items = inputs.BatchSize;
        if (options.TargetMask is { } mask)
        {
            int itemSize = (int)FloatTensor.ElementCount(outputShape.AsSpan(1));
            if (mask.Data.Length != itemSize && mask.Data.Length != itemSize * items)
            {
                throw new MedExplainParameterException("target-mask", $"the mask holds {mask.Data.Length} values; output '{output}' holds {itemSize} per item {FloatTensor.FormatShape(outputShape.AsSpan(1))}, so give one item or one per input item.");
            }

            var masked = new TargetScores([.. Enumerable.Repeat(-1, items)], new float[items], output, mask);
            return forward ? masked with { Scores = masked.ScoresFor(model, inputs, options) } : masked;
        }

        if (outputShape.Length != 2)
        {
            throw new MedExplainInputException(model.FilePath, $"output '{output}' has shape {FloatTensor.FormatShape(outputShape)}; class targets need (N, classes): explain a target mask over the output instead.");
        }

        FloatTensor? scores = forward || target.Classes is null ? Forward(model, inputs, output, options) : null;
        int[] predicted = scores is null ? new int[items] : [.. Enumerable.Range(0, items).Select(i => Predictor.ArgMax(scores.Item(i)))];
        int[] classes;
        try
        {
            classes = target.Resolve(predicted, outputShape[1]);
        }
        catch (ArgumentException e)
        {
            throw new MedExplainInputException(model.FilePath, e.Message, e);
        }

        float[] values = scores is null ? new float[items] : [.. Enumerable.Range(0, items).Select(i => scores.Item(i)[classes[i]])];
        return new TargetScores(classes, values, output, null);
    }

    private static int[] OutputShape(OnnxModel model, FloatTensor inputs, string output)
    {
        int probeBatch = model.FixedBatchSize ?? 1;
        IReadOnlyDictionary<string, int[]> shapes = model.ProbeShapes([probeBatch, .. inputs.Shape[1..]]).Shapes;
        return shapes.TryGetValue(output, out int[]? shape)
            ? [inputs.BatchSize, .. shape[1..]]
            : throw new MedExplainInputException(model.FilePath, $"the model has no output or tensor named '{output}'.");
    }

    private static FloatTensor Forward(OnnxModel model, FloatTensor inputs, string output, AttributionOptions options) =>
        new Predictor(model, new PredictorOptions { MaxMemoryBytes = options.MaxMemoryBytes }).Forward(inputs, output);
}
