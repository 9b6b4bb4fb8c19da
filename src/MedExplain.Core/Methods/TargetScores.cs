using MedExplain.Onnx;
using MedExplain.Prediction;

namespace MedExplain.Methods;

/// <summary>The class each item is explained for, and the model's score for it, from one batched forward pass.</summary>
/// <param name="Classes">The target class of each item.</param>
/// <param name="Scores">The pre-softmax score of that class for each item.</param>
/// <param name="ClassCount">How many classes the model emits.</param>
internal sealed record TargetScores(int[] Classes, float[] Scores, int ClassCount)
{
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

    /// <summary>The scores of the target classes for another batch of inputs (baselines, say).</summary>
    public float[] ScoresFor(OnnxModel model, FloatTensor inputs, AttributionOptions options)
    {
        PredictionResult prediction = new Predictor(model, new PredictorOptions { MaxMemoryBytes = options.MaxMemoryBytes }).Predict(inputs, "baseline");
        return [.. prediction.Items.Select((item, i) => item.Logits[Classes[i]])];
    }
}
