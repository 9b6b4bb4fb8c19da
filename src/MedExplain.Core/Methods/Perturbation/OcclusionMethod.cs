using MedExplain.Batching;
using MedExplain.Methods.Gradient;
using MedExplain.Onnx;

namespace MedExplain.Methods.Perturbation;

/// <summary>
/// Occlusion: slide a window over the spatial axes, replace it by the baseline (zeros, the mean, a blurred copy or a
/// user array), and give each voxel the score drop f(x) − f(occluded) averaged over the windows that cover it
/// (Captum's convention). Windows run through the shared batch runner.
/// </summary>
internal sealed class OcclusionMethod : IAttributionMethod
{
    public string Name => "occlusion";

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TargetScores targets = TargetScores.Of(model, inputs, target, options);
        FloatTensor baselines = Baselines.For(inputs, options);
        int[] spatial = inputs.Shape[2..];
        int channels = inputs.Shape[1], plane = (int)FloatTensor.ElementCount(spatial), itemSize = inputs.ItemSize;
        if (options.Window is { Count: > 1 } w && w.Count != spatial.Length || options.Stride is { Count: > 1 } s && s.Count != spatial.Length)
        {
            throw new MedExplainParameterException("window", $"give one size for every spatial axis, or {spatial.Length} (one per axis).");
        }

        var windows = new OcclusionWindows(spatial, options.Window, options.Stride);
        var evaluator = new PerturbedScores(model, options);
        var values = new FloatTensor(inputs.Shape);
        var count = new int[plane];
        for (int item = 0; item < inputs.BatchSize; item++)
        {
            ReadOnlySpan<float> x = inputs.Item(item);
            float[] xCopy = x.ToArray(), baseline = baselines.Item(item).ToArray();
            int current = item;
            float[] scores = evaluator.Evaluate(inputs.Shape[1..], windows.Count, (k, destination) =>
            {
                xCopy.CopyTo(destination);
                foreach (int v in windows.Voxels(k))
                {
                    for (int c = 0; c < channels; c++)
                    {
                        destination[(c * plane) + v] = baseline[(c * plane) + v];
                    }
                }
            }, output => targets.Dot(current, output), progress, cancellationToken);

            var sum = new double[plane];
            Array.Clear(count);
            for (int k = 0; k < windows.Count; k++)
            {
                double drop = targets.Scores[item] - scores[k];
                foreach (int v in windows.Voxels(k))
                {
                    sum[v] += drop;
                    count[v]++;
                }
            }

            Span<float> output = values.Data.AsSpan(item * itemSize, itemSize);
            for (int c = 0; c < channels; c++)
            {
                for (int v = 0; v < plane; v++)
                {
                    output[(c * plane) + v] = count[v] > 0 ? (float)(sum[v] / count[v]) : 0;
                }
            }
        }

        return new Attribution(Name, values, targets.Classes, targets.Scores, new Dictionary<Diagnostic, float[]>
        {
            [Diagnostic.Windows] = [.. Enumerable.Repeat((float)windows.Count, inputs.BatchSize)],
        });
    }
}
