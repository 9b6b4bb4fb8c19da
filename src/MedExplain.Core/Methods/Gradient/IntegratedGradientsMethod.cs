using System.Numerics.Tensors;
using MedExplain.Batching;
using MedExplain.Onnx;

namespace MedExplain.Methods.Gradient;

/// <summary>Integrated Gradients (Sundararajan et al., 2017): attr = (x − b) ⊙ ∫₀¹ ∇f(b + α(x − b)) dα, by the chosen
/// quadrature. Reports each item's completeness gap f(x) − f(b) − Σ attr, which shrinks as the rule converges. With
/// <see cref="AttributionOptions.Over"/> the integrand is a modified gradient (Guided Backprop, DeConvNet), as Zennit's
/// IntegratedGradients over a composite; completeness then need not hold, and the gap says by how much it fails.</summary>
internal sealed class IntegratedGradientsMethod : IAttributionMethod
{
    public string Name => "integrated-gradients";

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ISinglePassRecipe inner = AttributionMethods.Inner(options.Over, Name, modifiedGradientOnly: true);
        (OnnxModel compiled, Onnx.Backward.RuleSet rules) = inner.Prepare(model, options);
        TargetScores targets = TargetScores.Of(model, inputs, target, options);
        FloatTensor baseline = Baselines.For(inputs, options);
        (double[] alphas, double[] weights) = IntegrationRule.For(options.Integration, options.Steps);
        int steps = alphas.Length, itemSize = inputs.ItemSize;
        var integral = new float[inputs.Data.Length];
        new GradientPass(compiled, rules, options).Run(
            inputs.Shape[1..],
            inputs.BatchSize * steps,
            (point, destination) =>
            {
                (int item, int step) = Math.DivRem(point, steps);
                ReadOnlySpan<float> x = inputs.Item(item), b = baseline.Item(item);
                float alpha = (float)alphas[step];
                for (int i = 0; i < itemSize; i++)
                {
                    destination[i] = b[i] + (alpha * (x[i] - b[i]));
                }
            },
            (point, seed) => targets.WriteSeed(point / steps, seed),
            (point, signal, _) =>
            {
                (int item, int step) = Math.DivRem(point, steps);
                Span<float> sum = integral.AsSpan(item * itemSize, itemSize);
                TensorPrimitives.MultiplyAdd(signal, (float)weights[step], sum, sum);
            },
            progress,
            cancellationToken);

        var values = new FloatTensor(inputs.Shape);
        for (int i = 0; i < values.Data.Length; i++)
        {
            values.Data[i] = (float)((inputs.Data[i] - baseline.Data[i]) * integral[i]);
        }

        float[] baselineScores = targets.ScoresFor(model, baseline, options);
        float[] gaps = [.. Enumerable.Range(0, inputs.BatchSize).Select(item =>
            (float)(targets.Scores[item] - baselineScores[item] - Sum(values.Item(item))))];
        return new Attribution(AttributionMethods.Label(Name, options.Over), values, targets.Classes, targets.Scores, new Dictionary<Diagnostic, float[]> { [Diagnostic.CompletenessGap] = gaps });
    }

    private static double Sum(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        return sum;
    }
}
