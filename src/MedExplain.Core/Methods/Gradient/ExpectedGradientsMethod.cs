using MedExplain.Batching;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;

namespace MedExplain.Methods.Gradient;

/// <summary>Expected Gradients (Erion et al., 2021): the mean over samples of (x − b) ⊙ ∇f(b + α(x − b)), with b drawn
/// from a background set and α ~ U(0, 1); draw s is seeded by (seed, s), so an item's map does not depend on its batch.</summary>
internal sealed class ExpectedGradientsMethod : IAttributionMethod
{
    public string Name => "expected-gradients";

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        FloatTensor background = options.Background ?? throw new MedExplainParameterException("background", "expected-gradients needs a background set of inputs to draw baselines from.");
        int itemSize = inputs.ItemSize, samples = options.Samples;
        if (background.ItemSize != itemSize)
        {
            throw new MedExplainParameterException("background", $"background items hold {background.ItemSize} values; the inputs hold {itemSize} per item.");
        }

        TargetScores targets = TargetScores.Of(model, inputs, target, options);
        var draws = new (int Baseline, float Alpha)[samples];
        for (int s = 0; s < samples; s++)
        {
            var random = new Random(SampleSeed.For(options.Seed, s));
            draws[s] = (random.Next(background.BatchSize), random.NextSingle());
        }

        var values = new FloatTensor(inputs.Shape);
        new GradientPass(model, RuleSet.Gradient, options).Run(
            inputs.Shape[1..],
            inputs.BatchSize * samples,
            (copy, destination) =>
            {
                ReadOnlySpan<float> x = inputs.Item(copy / samples), b = background.Item(draws[copy % samples].Baseline);
                for (int i = 0; i < itemSize; i++)
                {
                    destination[i] = b[i] + (draws[copy % samples].Alpha * (x[i] - b[i]));
                }
            },
            (copy, seed) => targets.WriteSeed(copy / samples, seed),
            (copy, signal, _) =>
            {
                int item = copy / samples;
                ReadOnlySpan<float> x = inputs.Item(item), b = background.Item(draws[copy % samples].Baseline);
                Span<float> output = values.Data.AsSpan(item * itemSize, itemSize);
                for (int i = 0; i < itemSize; i++)
                {
                    output[i] += (x[i] - b[i]) * signal[i] / samples;
                }
            },
            progress,
            cancellationToken);
        return new Attribution(Name, values, targets.Classes, targets.Scores, new Dictionary<Diagnostic, float[]>());
    }
}
