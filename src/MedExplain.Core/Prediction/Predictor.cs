using MedExplain.Batching;
using MedExplain.Onnx;

namespace MedExplain.Prediction;

/// <summary>Classifies batches of inputs with as few runtime calls as the memory budget allows.</summary>
/// <param name="model">The model; its score output must be (N, classes).</param>
/// <param name="options">The memory budget.</param>
public sealed class Predictor(OnnxModel model, PredictorOptions? options = null)
{
    private readonly PredictorOptions _options = options ?? new PredictorOptions();

    /// <summary>Predicts every item of <paramref name="inputs"/>.</summary>
    /// <param name="inputs">The batch, shaped as the model input expects (already normalised).</param>
    /// <param name="source">Where the inputs came from, for error messages.</param>
    /// <param name="progress">Receives progress after each runtime call.</param>
    /// <param name="cancellationToken">Stops between calls.</param>
    /// <exception cref="MedExplainInputException">The inputs do not fit the model, or its output is not (N, classes).</exception>
    public PredictionResult Predict(FloatTensor inputs, string source, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        InputShapeCheck.Check(model, inputs, source);
        BatchPlan plan = PlanFor(inputs);
        TensorInfo output = model.ScoreOutput;
        FloatTensor scores = BatchRunner.Run(inputs, plan, batch => model.Run(batch, [output.Name]), progress, cancellationToken)[0];
        if (scores.Rank != 2)
        {
            throw new MedExplainInputException(model.FilePath, $"output '{output.Name}' has shape {FloatTensor.FormatShape(scores.Shape)}; classification reads class scores shaped (N, classes), a segmentation model goes through {nameof(Segmenter)}.");
        }

        IReadOnlyList<string> names = ClassNames(scores.Shape[1]);
        bool probabilities = model.Card?.OutputIsProbabilities ?? false;
        var items = new ClassPrediction[scores.BatchSize];
        for (int i = 0; i < items.Length; i++)
        {
            float[] logits = scores.Item(i).ToArray();
            float[] probs = probabilities ? logits : Softmax.Of(logits);
            int best = ArgMax(logits);
            items[i] = new ClassPrediction(i, logits, probs, best, names[best]);
        }

        return new PredictionResult(items, names, plan, plan.RunsFor(inputs.BatchSize));
    }

    /// <summary>Runs <paramref name="inputs"/> forward in budget-sized batches and returns one output, whatever its shape.</summary>
    /// <param name="inputs">The batch, already checked against the model.</param>
    /// <param name="outputName">The output (or any tensor of the graph) to return.</param>
    /// <param name="progress">Receives progress after each runtime call.</param>
    /// <param name="cancellationToken">Stops between calls.</param>
    public FloatTensor Forward(FloatTensor inputs, string outputName, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return BatchRunner.Run(inputs, PlanFor(inputs), batch => model.Run(batch, [outputName]), progress, cancellationToken)[0];
    }

    /// <summary>The index of the largest value (the first on ties).</summary>
    /// <param name="values">The scores.</param>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Sizes batches from the activation memory one item needs, measured by a shape probe.</summary>
    private BatchPlan PlanFor(FloatTensor inputs)
    {
        int probeBatch = model.FixedBatchSize ?? 1;
        ProbedShapes probe = model.ProbeShapes([probeBatch, .. inputs.Shape[1..]]);
        long perItem = (probe.ActivationBytes / probeBatch) + (inputs.ItemSize * sizeof(float));
        return MemoryBudget.Plan(inputs.BatchSize, perItem, _options.MaxMemoryBytes, model.FixedBatchSize);
    }

    private IReadOnlyList<string> ClassNames(int classes)
    {
        if (model.Card is { } card)
        {
            return card.ClassNames.Count == classes
                ? card.ClassNames
                : throw new MedExplainInputException(card.SourcePath, $"model card names {card.ClassNames.Count} classes, but the model emits {classes} scores.");
        }

        return [.. Enumerable.Range(0, classes).Select(c => $"class {c}")];
    }
}
