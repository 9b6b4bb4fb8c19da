using MedExplain.Models;

namespace MedExplain.Imaging.Transforms;

/// <summary>Applies a model card's intensity normalisation to each item of a batch.</summary>
public static class IntensityNormalizer
{
    /// <summary>The smallest standard deviation or range divided by, so flat images do not blow up.</summary>
    public const double Floor = 1e-6;

    /// <summary>Returns a normalised copy of <paramref name="batch"/>; each item (all channels together) is treated alone.</summary>
    /// <param name="batch">The batch (N, …).</param>
    /// <param name="normalization">The transform.</param>
    public static FloatTensor Apply(FloatTensor batch, IntensityNormalization normalization)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(normalization);
        var result = new FloatTensor(batch.Shape, (float[])batch.Data.Clone());
        for (int item = 0; item < batch.BatchSize; item++)
        {
            Span<float> values = result.Data.AsSpan(item * batch.ItemSize, batch.ItemSize);
            (double shift, double scale, double? low, double? high) = Coefficients(values, normalization);
            for (int i = 0; i < values.Length; i++)
            {
                double v = values[i];
                v = low is double lo && v < lo ? lo : high is double hi && v > hi ? hi : v;
                values[i] = (float)((v - shift) * scale);
            }
        }

        return result;
    }

    /// <summary>(value − shift) × scale after clipping to [low, high]: the one affine form every kind takes.</summary>
    private static (double Shift, double Scale, double? Low, double? High) Coefficients(ReadOnlySpan<float> values, IntensityNormalization n)
    {
        switch (n.Kind)
        {
            case NormalizationKind.ZScore when n.Mean is double mean:
                return (mean, 1 / n.StandardDeviation!.Value, null, null);
            case NormalizationKind.ZScore:
                double sum = 0, sumSquares = 0;
                foreach (float v in values)
                {
                    sum += v;
                }

                double average = sum / values.Length;
                foreach (float v in values)
                {
                    sumSquares += (v - average) * (v - average);
                }

                return (average, 1 / Math.Max(Math.Sqrt(sumSquares / values.Length), Floor), null, null);
            case NormalizationKind.MinMax:
                float min = float.PositiveInfinity, max = float.NegativeInfinity;
                foreach (float v in values)
                {
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }

                return (min, 1 / Math.Max(max - min, Floor), null, null);
            case NormalizationKind.Window:
                double low = n.Center!.Value - (n.Width!.Value / 2);
                return (low, 1 / n.Width.Value, low, low + n.Width.Value);
            default:
                return (0, 1, null, null);
        }
    }
}
