using MedExplain.Batching;
using MedExplain.Methods.Cam;
using MedExplain.Methods.Gradient;
using MedExplain.Models;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;

namespace MedExplain.Methods.Attention;

/// <summary>Attention maps of a vision transformer: raw attention, rollout or gradient rollout, read from the class
/// token's row (for a model without prefix tokens, the mean row: every token feeds the pooled output), at the patch
/// grid, upsampled linearly onto the input as CAM maps are. Maps are (N, 1, spatial…) and never negative.</summary>
/// <param name="name">The kebab-case name.</param>
/// <param name="variant">Which map.</param>
internal sealed class AttentionMethod(string name, AttentionVariant variant) : IAttributionMethod
{
    public string Name { get; } = name;

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TargetScores targets = TargetScores.ForFixedTargets(model, inputs, target, options);
        int[] itemShape = inputs.Shape[1..];
        AttentionGraph graph = AttentionGraph.Of(model, itemShape);
        TokenLayout layout = graph.Layout;
        var maps = new FloatTensor([inputs.BatchSize, 1, .. layout.Grid]);
        void Consume(int item, float[][] gradients, float[][] attention, float score)
        {
            targets.Scores[item] = score;
            double[][] means = [.. graph.Blocks.Select((b, l) => AttentionRollout.HeadMean(attention[l], gradients.Length == 0 ? [] : gradients[l], b.Heads))];
            double[] row = variant == AttentionVariant.Raw ? AttentionRollout.Times(Start(layout), means[^1]) : AttentionRollout.Row(means, Start(layout), variant);

            Span<float> map = maps.Data.AsSpan(item * layout.Patches, layout.Patches);
            for (int p = 0; p < layout.Patches; p++)
            {
                map[p] = (float)row[layout.Prefix + p];
            }
        }

        string[] tensors = [.. graph.Blocks.Select(b => b.Tensor)];
        if (variant == AttentionVariant.GradientRollout)
        {
            new GradientPass(model, RuleSet.Gradient, options).RunAt(
                itemShape, inputs.BatchSize, tensors, (item, destination) => inputs.Item(item).CopyTo(destination), targets.WriteSeed, Consume, progress, cancellationToken);
        }
        else
        {
            TensorReader.Stream(model, inputs, [.. tensors, targets.Output], options.MaxMemoryBytes, (item, values) => Consume(item, [], values[..^1], targets.Dot(item, values[^1])), progress, cancellationToken);
        }

        FloatTensor values = options.CamAtLayerResolution ? maps : LinearResize.Maps(maps, [.. layout.Grid], itemShape[1..]);
        return new Attribution(Name, values, targets.Classes, targets.Scores, new Dictionary<Diagnostic, float[]>());
    }

    /// <summary>The row the map is read from: the class token's, or for a model that pools every token, their mean.</summary>
    private static double[] Start(TokenLayout layout)
    {
        var start = new double[layout.Tokens];
        if (layout.Prefix > 0)
        {
            start[0] = 1;
        }
        else
        {
            Array.Fill(start, 1.0 / layout.Tokens);
        }

        return start;
    }
}
