using MedExplain.Onnx;

namespace MedExplain.TestUtilities;

/// <summary>Central finite differences of a seeded output of a model, run through the plain forward session.</summary>
/// <remarks>All 2·S perturbed copies of a one-item input go through the model as one batch, so the model's batch
/// axis must be free. The objective is Σ seed ⊙ output, accumulated in double.</remarks>
public static class FiniteDifferences
{
    public static float[] Gradient(OnnxModel model, FloatTensor input, string output, float[] seed, float step)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        int size = input.ItemSize;
        var batch = new FloatTensor([2 * size, .. input.Shape[1..]]);
        for (int i = 0; i < size; i++)
        {
            input.Data.CopyTo(batch.Data, 2 * i * size);
            input.Data.CopyTo(batch.Data, ((2 * i) + 1) * size);
            batch.Data[(2 * i * size) + i] += step;
            batch.Data[(((2 * i) + 1) * size) + i] -= step;
        }

        FloatTensor outputs = model.Run(batch, [output])[0];
        var gradient = new float[size];
        for (int i = 0; i < size; i++)
        {
            double plus = 0, minus = 0;
            ReadOnlySpan<float> up = outputs.Item(2 * i), down = outputs.Item((2 * i) + 1);
            for (int k = 0; k < seed.Length; k++)
            {
                plus += seed[k] * (double)up[k];
                minus += seed[k] * (double)down[k];
            }

            gradient[i] = (float)((plus - minus) / (2 * step));
        }

        return gradient;
    }

    /// <summary>Distinct values spaced at least <paramref name="spacing"/> apart, shuffled, none within spacing/2 of zero:
    /// piecewise-linear ops (ReLU, max) then have no kink or tie within a small finite-difference step.</summary>
    public static float[] WellSeparated(int count, float spacing, int seed)
    {
        var random = new Random(seed);
        float[] values = [.. Enumerable.Range(0, count).Select(i => (i - (count / 2) + 0.5f) * spacing)];
        random.Shuffle(values);
        return values;
    }
}
