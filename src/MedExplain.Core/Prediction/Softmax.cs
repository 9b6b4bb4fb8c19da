namespace MedExplain.Prediction;

/// <summary>Numerically stable softmax.</summary>
public static class Softmax
{
    /// <summary>Returns exp(x - max) / Σ exp(x - max), computed in double precision.</summary>
    /// <param name="logits">The scores.</param>
    public static float[] Of(ReadOnlySpan<float> logits)
    {
        float max = float.NegativeInfinity;
        foreach (float v in logits)
        {
            max = Math.Max(max, v);
        }

        var result = new float[logits.Length];
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            sum += Math.Exp(logits[i] - max);
        }

        for (int i = 0; i < logits.Length; i++)
        {
            result[i] = (float)(Math.Exp(logits[i] - max) / sum);
        }

        return result;
    }
}
