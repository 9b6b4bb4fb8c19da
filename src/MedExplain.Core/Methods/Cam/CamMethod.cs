using MedExplain.Batching;
using MedExplain.Methods.Gradient;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;

namespace MedExplain.Methods.Cam;

/// <summary>Class activation maps: an inner activation weighted per channel (by gradients, or not at all), at the
/// layer's resolution or upsampled linearly to the input's. Maps are (N, 1, spatial…).</summary>
/// <param name="name">The kebab-case name.</param>
/// <param name="variant">How channels are weighted.</param>
internal sealed class CamMethod(string name, CamVariant variant) : IAttributionMethod
{
    public string Name { get; } = name;

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TargetScores targets = TargetScores.ForFixedTargets(model, inputs, target, options);
        int[] itemShape = inputs.Shape[1..];
        CamLayer layer = CamLayer.Choose(model, itemShape, options);
        var maps = new FloatTensor([inputs.BatchSize, 1, .. layer.Spatial]);
        new GradientPass(model, RuleSet.Gradient, options).Run(
            itemShape,
            inputs.BatchSize,
            layer.Name,
            (item, destination) => inputs.Item(item).CopyTo(destination),
            targets.WriteSeed,
            (item, gradient, activation, score) =>
            {
                targets.Scores[item] = score;
                Weigh(layer, gradient, activation, maps.Data.AsSpan(item * layer.Positions, layer.Positions));
            },
            progress,
            cancellationToken);
        FloatTensor values = options.CamAtLayerResolution ? maps : LinearResize.Maps(maps, layer.Spatial, itemShape[1..]);
        return new Attribution(Name, values, targets.Classes, targets.Scores, new Dictionary<Diagnostic, float[]>());
    }

    private void Weigh(CamLayer layer, ReadOnlySpan<float> gradient, ReadOnlySpan<float> activation, Span<float> map)
    {
        int positions = layer.Positions;
        map.Clear();
        for (int c = 0; c < layer.Channels; c++)
        {
            ReadOnlySpan<float> a = activation.Slice(c * positions, positions), g = gradient.Slice(c * positions, positions);
            double mean = Mean(g);
            switch (variant)
            {
                case CamVariant.ActivationMap:
                    Accumulate(map, a, 1.0 / layer.Channels);
                    break;
                case CamVariant.Cam:
                    RequireConstant(g, mean);
                    Accumulate(map, a, mean * positions);
                    break;
                case CamVariant.GradCam:
                    Accumulate(map, a, mean);
                    break;
                case CamVariant.GradCamPlusPlus:
                    Accumulate(map, a, PlusPlusWeight(a, g));
                    break;
            }
        }

        if (variant is CamVariant.GradCam or CamVariant.GradCamPlusPlus)
        {
            for (int p = 0; p < positions; p++)
            {
                map[p] = Math.Max(map[p], 0);
            }
        }
    }

    /// <summary>Σ_ij relu(g)·α_ij with α = g² / (2g² + Σ_ab A_ab·g³), 0 where g = 0.</summary>
    private static double PlusPlusWeight(ReadOnlySpan<float> a, ReadOnlySpan<float> g)
    {
        double activationSum = 0;
        foreach (float v in a)
        {
            activationSum += v;
        }

        double weight = 0;
        for (int p = 0; p < g.Length; p++)
        {
            double g2 = g[p] * (double)g[p], g3 = g2 * g[p];
            double denominator = (2 * g2) + (activationSum * g3);
            double alpha = g[p] == 0 || denominator == 0 ? 0 : g2 / denominator;
            weight += Math.Max(g[p], 0) * alpha;
        }

        return weight;
    }

    private static void RequireConstant(ReadOnlySpan<float> g, double mean)
    {
        foreach (float v in g)
        {
            if (Math.Abs(v - mean) > (1e-4 * Math.Abs(mean)) + 1e-9)
            {
                throw new MedExplainParameterException("method", "cam needs a layer that feeds global average pooling and then a linear head (its gradient must be the same at every position); use grad-cam for other models.");
            }
        }
    }

    private static void Accumulate(Span<float> map, ReadOnlySpan<float> a, double weight)
    {
        for (int p = 0; p < map.Length; p++)
        {
            map[p] += (float)(weight * a[p]);
        }
    }

    private static double Mean(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }
}
