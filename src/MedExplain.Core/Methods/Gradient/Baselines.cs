namespace MedExplain.Methods.Gradient;

/// <summary>Builds the reference inputs path methods integrate from.</summary>
internal static class Baselines
{
    public static FloatTensor For(FloatTensor inputs, AttributionOptions options)
    {
        int itemSize = inputs.ItemSize;
        var baseline = new FloatTensor(inputs.Shape);
        switch (options.Baseline)
        {
            case BaselineKind.Zeros:
                break;
            case BaselineKind.Constant:
                Array.Fill(baseline.Data, options.BaselineValue);
                break;
            case BaselineKind.Mean:
                for (int i = 0; i < inputs.BatchSize; i++)
                {
                    baseline.Data.AsSpan(i * itemSize, itemSize).Fill(System.Numerics.Tensors.TensorPrimitives.Sum(inputs.Item(i)) / itemSize);
                }

                break;
            case BaselineKind.Blur:
                for (int i = 0; i < inputs.BatchSize; i++)
                {
                    GaussianBlur.Apply(inputs.Item(i), baseline.Data.AsSpan(i * itemSize, itemSize), inputs.Shape[1..], options.BlurSigma);
                }

                break;
            case BaselineKind.Uniform:
                var random = new Random(options.Seed);
                for (int i = 0; i < inputs.BatchSize; i++)
                {
                    ReadOnlySpan<float> x = inputs.Item(i);
                    float min = x[0], max = x[0];
                    foreach (float v in x)
                    {
                        (min, max) = (Math.Min(min, v), Math.Max(max, v));
                    }

                    for (int k = 0; k < itemSize; k++)
                    {
                        baseline.Data[(i * itemSize) + k] = min + ((max - min) * random.NextSingle());
                    }
                }

                break;
            case BaselineKind.Array:
                FloatTensor given = options.BaselineArray ?? throw new ArgumentException("A user baseline was chosen but no array was given.", nameof(options));
                if (given.Data.Length == itemSize)
                {
                    for (int i = 0; i < inputs.BatchSize; i++)
                    {
                        given.Data.CopyTo(baseline.Data, i * itemSize);
                    }
                }
                else if (given.Data.Length == inputs.Data.Length)
                {
                    given.Data.CopyTo(baseline.Data, 0);
                }
                else
                {
                    throw new ArgumentException($"The baseline holds {given.Data.Length} values; it needs one item ({itemSize}) or the whole batch ({inputs.Data.Length}).", nameof(options));
                }

                break;
        }

        return baseline;
    }
}
