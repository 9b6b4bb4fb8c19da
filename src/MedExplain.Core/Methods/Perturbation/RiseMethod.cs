using MedExplain.Batching;
using MedExplain.Methods.Cam;
using MedExplain.Onnx;

namespace MedExplain.Methods.Perturbation;

/// <summary>
/// RISE (Petsiuk et al., 2018): random binary masks on a coarse grid (cells kept with probability ½), upsampled
/// linearly to a grid one cell larger and cropped at a random shift, so their edges fall anywhere. Each voxel's
/// importance is the mask-weighted mean score, Σ f(x ⊙ m)·m / Σ m, less the mean score over all masks: the paper's map
/// holds that mean as an offset in every voxel (a flat wash when drawn), and without it 0 means "keeping this voxel
/// does not change the expected score", as for the other perturbation methods. Rankings are unchanged.
/// </summary>
internal sealed class RiseMethod : IAttributionMethod
{
    private const double KeepProbability = 0.5;

    public string Name => "rise";

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TargetScores targets = TargetScores.Of(model, inputs, target, options);
        int[] spatial = inputs.Shape[2..];
        int channels = inputs.Shape[1], plane = (int)FloatTensor.ElementCount(spatial), itemSize = inputs.ItemSize;
        int cells = options.RiseCells ?? (spatial.Length > 2 ? 4 : 8);
        var evaluator = new PerturbedScores(model, options);
        var values = new FloatTensor(inputs.Shape);
        for (int item = 0; item < inputs.BatchSize; item++)
        {
            var random = new Random(SampleSeed.For(options.Seed, 0)); // The same draws for every item: its map must not depend on its place in the batch.
            float[][] masks = [.. Enumerable.Range(0, options.Samples).Select(_ => Mask(spatial, cells, random))];
            float[] x = inputs.Item(item).ToArray();
            int current = item;
            float[] scores = evaluator.Evaluate(inputs.Shape[1..], masks.Length, (k, destination) =>
            {
                for (int c = 0; c < channels; c++)
                {
                    for (int v = 0; v < plane; v++)
                    {
                        destination[(c * plane) + v] = x[(c * plane) + v] * masks[k][v];
                    }
                }
            }, output => targets.Dot(current, output), progress, cancellationToken);

            double meanScore = scores.Average(s => (double)s);
            var weighted = new double[plane];
            var coverage = new double[plane];
            for (int k = 0; k < masks.Length; k++)
            {
                for (int v = 0; v < plane; v++)
                {
                    weighted[v] += scores[k] * masks[k][v];
                    coverage[v] += masks[k][v];
                }
            }

            for (int c = 0; c < channels; c++)
            {
                for (int v = 0; v < plane; v++)
                {
                    values.Data[(item * itemSize) + (c * plane) + v] = coverage[v] > 0 ? (float)((weighted[v] / coverage[v]) - meanScore) : 0;
                }
            }
        }

        return new Attribution(Name, values, targets.Classes, targets.Scores, new Dictionary<Diagnostic, float[]>
        {
            [Diagnostic.Masks] = [.. Enumerable.Repeat((float)options.Samples, inputs.BatchSize)],
        });
    }

    /// <summary>One mask: a random cells-per-axis grid, upsampled to (cells + 1) cell sizes and cropped at a random shift.</summary>
    private static float[] Mask(int[] spatial, int cells, Random random)
    {
        int rank = spatial.Length;
        int[] cellSize = [.. spatial.Select(s => (s + cells - 1) / cells)];
        int[] grid = [.. Enumerable.Repeat(cells + 1, rank)];
        float[] coarse = [.. Enumerable.Range(0, (int)Math.Pow(cells + 1, rank)).Select(_ => random.NextDouble() < KeepProbability ? 1f : 0f)];
        int[] large = [.. Enumerable.Range(0, rank).Select(d => (cells + 1) * cellSize[d])];
        float[] upsampled = LinearResize.Apply(coarse, grid, large);
        int[] shift = [.. cellSize.Select(c => random.Next(c))];
        var mask = new float[spatial.Aggregate(1, (a, b) => a * b)];
        var at = new int[rank];
        for (int v = 0; v < mask.Length; v++)
        {
            int index = 0;
            for (int d = rank - 1, rest = v; d >= 0; d--)
            {
                at[d] = (rest % spatial[d]) + shift[d];
                rest /= spatial[d];
            }

            for (int d = 0; d < rank; d++)
            {
                index = (index * large[d]) + at[d];
            }

            mask[v] = upsampled[index];
        }

        return mask;
    }
}
