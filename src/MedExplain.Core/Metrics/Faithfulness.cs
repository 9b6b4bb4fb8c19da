using MedExplain.Batching;
using MedExplain.Methods;
using MedExplain.Methods.Perturbation;
using MedExplain.Onnx;

namespace MedExplain.Metrics;

/// <summary>
/// Whether a map reflects what the model does, measured with the model: completeness, sensitivity-n and
/// deletion/insertion curves. Every perturbed input is scored through the shared batched evaluator.
/// </summary>
/// <param name="model">The model.</param>
/// <param name="options">The output explained, the memory budget and the seed.</param>
public sealed class Faithfulness(OnnxModel model, AttributionOptions options)
{
    /// <summary>Completeness gap: Σ attribution − (f(x) − f(baseline)); 0 for complete methods (IG, DeepLIFT, Shapley).</summary>
    /// <param name="input">One input item (batch of 1).</param>
    /// <param name="attribution">Its map, same shape.</param>
    /// <param name="baseline">The reference input, same shape.</param>
    /// <param name="classIndex">The class explained.</param>
    public double Completeness(FloatTensor input, ReadOnlySpan<float> attribution, FloatTensor baseline, int classIndex)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(baseline);
        float[] scores = Scores(input, 2, (k, destination) => (k == 0 ? input : baseline).Data.CopyTo(destination), classIndex);
        double sum = 0;
        foreach (float v in attribution)
        {
            sum += v;
        }

        return sum - (scores[0] - scores[1]);
    }

    /// <summary>
    /// Sensitivity-n (Ancona et al., 2018): for random subsets of n voxels, the Pearson correlation between the sum of
    /// their attributions and the drop of the score when they are set to the baseline, for each n.
    /// </summary>
    /// <param name="input">One input item.</param>
    /// <param name="attribution">Its map.</param>
    /// <param name="baseline">The reference input.</param>
    /// <param name="classIndex">The class explained.</param>
    /// <param name="sizes">The subset sizes n.</param>
    /// <param name="subsets">Random subsets per size.</param>
    public IReadOnlyList<(int N, double Correlation)> SensitivityN(FloatTensor input, float[] attribution, FloatTensor baseline, int classIndex, IReadOnlyList<int> sizes, int subsets)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(sizes);
        var random = new Random(options.Seed);
        int count = input.Data.Length;
        var results = new List<(int, double)>();
        foreach (int n in sizes)
        {
            int[][] chosen = [.. Enumerable.Range(0, subsets).Select(_ =>
            {
                int[] indices = [.. Enumerable.Range(0, count)];
                random.Shuffle(indices);
                return indices[..Math.Min(n, count)];
            })];
            float[] scores = Scores(input, subsets + 1, (k, destination) =>
            {
                input.Data.CopyTo(destination);
                if (k > 0)
                {
                    foreach (int i in chosen[k - 1])
                    {
                        destination[i] = baseline.Data[i];
                    }
                }
            }, classIndex);
            double[] drops = [.. Enumerable.Range(1, subsets).Select(k => (double)scores[0] - scores[k])];
            double[] sums = [.. chosen.Select(set => set.Sum(i => (double)attribution[i]))];
            results.Add((n, Correlation.Pearson(sums, drops)));
        }

        return results;
    }

    /// <summary>
    /// Deletion (most relevant first, from the input towards the baseline) or insertion (from the baseline, adding the
    /// most relevant first) curve over <paramref name="steps"/> equal fractions of the voxels, and its area (trapezoid
    /// rule over the fraction 0..1). Low deletion and high insertion areas mean a faithful ranking.
    /// </summary>
    /// <param name="input">One input item.</param>
    /// <param name="attribution">Its map (the ranking).</param>
    /// <param name="baseline">The reference input.</param>
    /// <param name="classIndex">The class explained.</param>
    /// <param name="steps">Number of steps (the curve has steps + 1 points).</param>
    /// <param name="insertion">True for insertion, false for deletion.</param>
    public (double[] Scores, double Area) Curve(FloatTensor input, ReadOnlySpan<float> attribution, FloatTensor baseline, int classIndex, int steps, bool insertion)
    {
        PerturbationCurve curve = Curves([new CurveInput(input, attribution.ToArray(), baseline, classIndex)], steps, insertion ? CurveKind.Insertion : CurveKind.Deletion)[0];
        return (curve.Scores, curve.Area);
    }

    /// <summary>
    /// The curves of many scans in one stream of batched forward passes, so short batches at the end of each scan do not
    /// waste calls. Features are voxels, or regions where <see cref="CurveInput.Regions"/> is given (ranked by their mean
    /// attribution, removed whole); each step moves an equal fraction of the features.
    /// </summary>
    /// <param name="items">The scans, all of the model's item shape.</param>
    /// <param name="steps">Number of steps (each curve has steps + 1 points).</param>
    /// <param name="kind">Which curve.</param>
    /// <param name="progress">Forward passes done, after every call.</param>
    /// <param name="cancellationToken">Checked before every call.</param>
    public IReadOnlyList<PerturbationCurve> Curves(IReadOnlyList<CurveInput> items, int steps, CurveKind kind, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (items.Count == 0)
        {
            return [];
        }

        int[] itemShape = items[0].Input.Shape[1..];
        FeatureOrder[] orders = [.. items.Select(item => FeatureOrder.Of(item, kind))];
        int points = steps + 1;
        int Changed(int copy) => orders[copy / points].VoxelsInFirst((int)Math.Round((double)(copy % points) * orders[copy / points].Features / steps));
        float[] scores = new PerturbedScores(model, options).Evaluate(itemShape, items.Count * points, (c, previous, destination) =>
        {
            CurveInput item = items[c / points];
            bool fromBaseline = kind == CurveKind.Insertion;
            float[] start = (fromBaseline ? item.Baseline : item.Input).Data, end = (fromBaseline ? item.Input : item.Baseline).Data;

            // Each step changes a prefix of the order, so an earlier step of the same scan needs only the voxels between.
            bool earlierStep = previous >= 0 && previous / points == c / points && previous <= c;
            int from = earlierStep ? Changed(previous) : 0;
            if (!earlierStep)
            {
                start.CopyTo(destination);
            }

            int[] voxels = orders[c / points].Voxels;
            for (int r = from, changed = Changed(c); r < changed; r++)
            {
                destination[voxels[r]] = end[voxels[r]];
            }
        }, (c, output) => output[items[c / points].ClassIndex], progress, cancellationToken);

        return [.. Enumerable.Range(0, items.Count).Select(i => PerturbationCurve.From(scores.AsSpan(i * points, points)))];
    }

    /// <summary>
    /// Infidelity (Yeh et al., 2019) with Gaussian perturbations I ~ N(0, σ²): the mean of (Σ I ⊙ Φ − (f(x) − f(x − I)))².
    /// 0 when the map predicts every such change, as the gradient does for a linear model.
    /// </summary>
    /// <param name="input">One input item.</param>
    /// <param name="attribution">Its map.</param>
    /// <param name="classIndex">The class explained.</param>
    /// <param name="samples">Perturbations drawn.</param>
    /// <param name="sigma">Their standard deviation.</param>
    public double Infidelity(FloatTensor input, float[] attribution, int classIndex, int samples, double sigma)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(attribution);
        var random = new Random(options.Seed);
        int count = input.Data.Length;
        float[][] perturbations = [.. Enumerable.Range(0, samples).Select(_ => Enumerable.Range(0, count)
            .Select(_ => (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToArray())];
        float[] scores = Scores(input, samples + 1, (k, destination) =>
        {
            input.Data.CopyTo(destination);
            if (k > 0)
            {
                for (int i = 0; i < count; i++)
                {
                    destination[i] -= perturbations[k - 1][i];
                }
            }
        }, classIndex);
        return Enumerable.Range(0, samples).Average(k =>
        {
            double predicted = 0;
            for (int i = 0; i < count; i++)
            {
                predicted += perturbations[k][i] * (double)attribution[i];
            }

            double error = predicted - (scores[0] - scores[k + 1]);
            return error * error;
        });
    }

    private float[] Scores(FloatTensor input, int count, Action<int, Span<float>> fill, int classIndex) =>
        new PerturbedScores(model, options).Evaluate(input.Shape[1..], count, fill, output => output[classIndex], null, CancellationToken.None);
}
