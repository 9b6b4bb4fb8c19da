using MedExplain.Onnx;
using MedExplain.Prediction;

namespace MedExplain.Methods;

/// <summary>The class each item is explained for, and the model's score for it.</summary>
/// <remarks>The predicted class needs a forward pass first. Fixed classes do not: methods whose backward passes run
/// on the inputs themselves read the scores off those passes (<see cref="ForFixedClasses"/>), so a single-pass method
/// costs one forward+backward per item and nothing more.</remarks>
/// <param name="Classes">The target class of each item.</param>
/// <param name="Scores">The pre-softmax score of that class for each item.</param>
/// <param name="ClassCount">How many classes the model emits.</param>
internal sealed record TargetScores(int[] Classes, float[] Scores, int ClassCount)
{
    /// <summary>Classes and scores from one batched forward pass.</summary>
    public static TargetScores Of(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options)
    {
        PredictionResult prediction = new Predictor(model, new PredictorOptions { MaxMemoryBytes = options.MaxMemoryBytes }).Predict(inputs, "input");
        int classCount = prediction.ClassNames.Count;
        int[] classes;
        try
        {
            classes = target.Resolve([.. prediction.Items.Select(i => i.ClassIndex)], classCount);
        }
        catch (ArgumentException e)
        {
            throw new MedExplainInputException(model.FilePath, e.Message, e);
        }

        return new TargetScores(classes, [.. prediction.Items.Select((item, i) => item.Logits[classes[i]])], classCount);
    }

    /// <summary>Fixed classes without a forward pass, with scores left for the caller's passes to fill; the predicted
    /// class falls back to <see cref="Of"/>.</summary>
    public static TargetScores ForFixedClasses(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options)
    {
        if (target.Classes is null)
        {
            return Of(model, inputs, target, options);
        }

        InputShapeCheck.Check(model, inputs, "input");
        int[] scoreShape = model.ProbeShapes([model.FixedBatchSize ?? 1, .. inputs.Shape[1..]]).Shapes[model.ScoreOutput.Name];
        int classCount = scoreShape.Length == 2 ? scoreShape[1] : int.MaxValue;
        try
        {
            return new TargetScores(target.Resolve(new int[inputs.BatchSize], classCount), new float[inputs.BatchSize], classCount);
        }
        catch (ArgumentException e)
        {
            throw new MedExplainInputException(model.FilePath, e.Message, e);
        }
    }

    /// <summary>The scores of the target classes for another batch of inputs (baselines, say).</summary>
    public float[] ScoresFor(OnnxModel model, FloatTensor inputs, AttributionOptions options)
    {
        PredictionResult prediction = new Predictor(model, new PredictorOptions { MaxMemoryBytes = options.MaxMemoryBytes }).Predict(inputs, "baseline");
        return [.. prediction.Items.Select((item, i) => item.Logits[Classes[i]])];
    }
}
