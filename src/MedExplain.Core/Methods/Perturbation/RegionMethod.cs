using MedExplain.Batching;
using MedExplain.Methods.Gradient;
using MedExplain.Onnx;

namespace MedExplain.Methods.Perturbation;

/// <summary>
/// The frame of the region-level methods: each item's coalitions (which regions keep the input) are scored in one
/// batched run, and the method turns the scores into one value per region, spread over the region's voxels.
/// </summary>
internal abstract class RegionMethod : IAttributionMethod
{
    public abstract string Name { get; }

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int[] itemShape = inputs.Shape[1..];
        TargetScores targets = TargetScores.Of(model, inputs, target, options);
        FloatTensor baselines = Baselines.For(inputs, options);
        var evaluator = new PerturbedScores(model, options);
        var values = new FloatTensor(inputs.Shape);
        var tables = new List<IReadOnlyList<RegionScore>>();
        var diagnostics = new Dictionary<Diagnostic, float[]>();
        var warnings = new SortedSet<string>(StringComparer.Ordinal);
        for (int item = 0; item < inputs.BatchSize; item++)
        {
            float[] x = inputs.Item(item).ToArray(), baseline = baselines.Item(item).ToArray();
            FeatureRegions regions = options.FeatureMask is { } mask ? FeatureRegions.Of(mask, itemShape) : DefaultRegions(x, itemShape);
            int current = item;
            var random = new Random(SampleSeed.For(options.Seed, 0)); // The same draws for every item: its map must not depend on its place in the batch.
            CoalitionPlan plan = Plan(regions.Count, options, random);
            if (plan.Warning is { } warning)
            {
                warnings.Add(warning);
            }

            bool[][] coalitions = plan.Coalitions;
            float[] scores = evaluator.Evaluate(itemShape, coalitions.Length, (k, destination) => regions.Fill(coalitions[k], x, baseline, destination),
                output => targets.Dot(current, output), progress, cancellationToken);
            RegionEstimate estimate = plan.Estimate(scores);
            regions.Spread(estimate.Values, values.Data.AsSpan(item * inputs.ItemSize, inputs.ItemSize));
            tables.Add([.. Enumerable.Range(0, regions.Count).Select(f => new RegionScore(regions.Labels[f], estimate.Values[f], estimate.StandardErrors?[f], regions.Sizes[f]))]);
            foreach ((Diagnostic key, double value) in estimate.Diagnostics)
            {
                if (!diagnostics.TryGetValue(key, out float[]? perItem))
                {
                    diagnostics[key] = perItem = new float[inputs.BatchSize];
                }

                perItem[item] = (float)value;
            }
        }

        return new Attribution(Name, values, targets.Classes, targets.Scores, diagnostics) { Regions = tables, Warnings = [.. warnings] };
    }

    /// <summary>The coalitions to score for one item, and how their scores become one value per feature. Methods keep no
    /// state between the two (the registry shares one instance), so the plan carries it.</summary>
    protected abstract CoalitionPlan Plan(int features, AttributionOptions options, Random random);

    /// <summary>Without a mask the features are a grid: 4 cells per axis for volumes, 8 for images.</summary>
    protected static int DefaultCells(int[] itemShape) => itemShape.Length > 3 ? 4 : 8;

    /// <summary>The regions used when no mask is given: a grid of patches, unless the method knows better.</summary>
    protected virtual FeatureRegions DefaultRegions(float[] item, int[] itemShape) => FeatureRegions.Grid(itemShape, DefaultCells(itemShape));

    /// <summary>A coalition holding exactly the given features.</summary>
    protected static bool[] With(int features, IEnumerable<int> present)
    {
        var coalition = new bool[features];
        foreach (int f in present)
        {
            coalition[f] = true;
        }

        return coalition;
    }
}

/// <summary>The coalitions of one item and the estimator that reads their scores.</summary>
/// <param name="Coalitions">Which features keep the input, per coalition.</param>
/// <param name="Estimate">Scores (in coalition order) to one value per feature.</param>
internal sealed record CoalitionPlan(bool[][] Coalitions, Func<float[], RegionEstimate> Estimate)
{
    /// <summary>Gets a warning when the coalitions are too few for the features to give stable values, else null.</summary>
    public string? Warning { get; init; }

    /// <summary>The warning for a sampled fit with <paramref name="samples"/> draws over <paramref name="features"/>
    /// features: fewer than 2 × features + 2048 leave the values unstable from seed to seed.</summary>
    public static string? Undersampled(string method, int samples, int features)
    {
        int adequate = (2 * features) + 2048;
        return samples >= adequate ? null
            : $"{method} drew {samples} coalitions for {features} regions; fewer than 2 × regions + 2048 = {adequate} give values that change from seed to seed. Use samples {adequate} or more.";
    }
}

/// <summary>A region method's result for one item.</summary>
/// <param name="Values">One value per feature.</param>
/// <param name="StandardErrors">Standard errors of sampled values, or null.</param>
/// <param name="Diagnostics">Per-item figures (such as the efficiency gap or a fit's R²).</param>
internal sealed record RegionEstimate(double[] Values, double[]? StandardErrors, IReadOnlyDictionary<Diagnostic, double> Diagnostics);
