using System.Numerics.Tensors;
using MedExplain.Batching;
using MedExplain.Onnx;

namespace MedExplain.Methods.Gradient;

/// <summary>SmoothGrad, SmoothGrad² and VarGrad: maps of noisy copies x + N(0, σ²), σ = noise × (max − min) of each
/// item, combined per <see cref="NoiseTunnelVariant"/>. The map of a copy is the gradient's, or that of the single-pass
/// method named by <see cref="AttributionOptions.Over"/> (Captum's NoiseTunnel over any attribution). Sample s draws its
/// noise from a generator seeded by (seed, s), so an item's map depends on the item and the seed alone, not on its batch
/// neighbours or on batching.</summary>
/// <param name="name">The kebab-case name.</param>
/// <param name="variant">How maps are combined.</param>
internal sealed class NoiseTunnelMethod(string name, NoiseTunnelVariant variant) : IAttributionMethod
{
    public string Name { get; } = name;

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ISinglePassRecipe inner = AttributionMethods.Inner(options.Over, Name, modifiedGradientOnly: false);
        (OnnxModel compiled, Onnx.Backward.RuleSet rules) = inner.Prepare(model, options);
        TargetScores targets = TargetScores.Of(model, inputs, target, options);
        int samples = options.Samples, itemSize = inputs.ItemSize;
        double[] sigma = [.. Enumerable.Range(0, inputs.BatchSize).Select(i => options.Noise * Range(inputs.Item(i)))];
        var noise = new GaussianNoise(itemSize);
        var sum = new float[inputs.Data.Length];
        var sumSquares = new float[inputs.Data.Length];
        var noisy = new float[itemSize];
        var map = new float[itemSize];
        void NoisyCopy(int copy, Span<float> destination)
        {
            noise.Fill(new Random(SampleSeed.For(options.Seed, copy % samples)));
            TensorPrimitives.MultiplyAdd(noise.Values, (float)sigma[copy / samples], inputs.Item(copy / samples), destination);
        }

        new GradientPass(compiled, rules, options).Run(
            inputs.Shape[1..],
            inputs.BatchSize * samples,
            NoisyCopy,
            (copy, seed) => targets.WriteSeed(copy / samples, seed),
            (copy, signal, _) =>
            {
                if (inner.Variant == GradientVariant.TimesInput)
                {
                    NoisyCopy(copy, noisy); // the copy's own input: only input × gradient reads it
                }

                SignalVariant.Apply(inner.Variant, signal, noisy, map);
                Span<float> total = sum.AsSpan(copy / samples * itemSize, itemSize), squares = sumSquares.AsSpan(copy / samples * itemSize, itemSize);
                TensorPrimitives.Add(total, map, total);
                TensorPrimitives.MultiplyAdd(map, map, squares, squares);
            },
            progress,
            cancellationToken);

        var values = new FloatTensor(inputs.Shape);
        for (int i = 0; i < values.Data.Length; i++)
        {
            double mean = sum[i] / (double)samples, meanSquare = sumSquares[i] / (double)samples;
            values.Data[i] = (float)(variant switch
            {
                NoiseTunnelVariant.MeanOfSquares => meanSquare,
                NoiseTunnelVariant.Variance => Math.Max(0, meanSquare - (mean * mean)),
                _ => mean,
            });
        }

        return new Attribution(AttributionMethods.Label(Name, options.Over), values, targets.Classes, targets.Scores, new Dictionary<Diagnostic, float[]>());
    }

    private static double Range(ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in values)
        {
            (min, max) = (Math.Min(min, v), Math.Max(max, v));
        }

        return max - min;
    }
}
