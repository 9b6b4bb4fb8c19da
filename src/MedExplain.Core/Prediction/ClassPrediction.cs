namespace MedExplain.Prediction;

/// <summary>What a classifier said about one input.</summary>
/// <param name="Item">The input's index in the batch.</param>
/// <param name="Logits">The raw scores the model emitted (pre-softmax).</param>
/// <param name="Probabilities">Softmax of the logits (or the output itself when the model emits probabilities).</param>
/// <param name="ClassIndex">The index of the highest score.</param>
/// <param name="ClassName">That class's name from the model card, or "class N".</param>
public sealed record ClassPrediction(int Item, float[] Logits, float[] Probabilities, int ClassIndex, string ClassName)
{
    /// <summary>Gets a warning when the model's scores are not all finite (its input or weights hold NaN or infinities), or
    /// null: such a prediction is no result, and every surface shows the warning beside it.</summary>
    public string? Warning => Logits.All(float.IsFinite)
        ? null
        : $"the model's scores hold NaN or infinite values ({string.Join(", ", Logits.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)))}); check the input for NaN or infinite voxels. This prediction means nothing.";

    /// <summary>Gets the probability of the predicted class.</summary>
    public float Confidence => Probabilities[ClassIndex];
}
