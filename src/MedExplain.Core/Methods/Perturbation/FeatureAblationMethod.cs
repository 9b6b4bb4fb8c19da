namespace MedExplain.Methods.Perturbation;

/// <summary>Feature ablation: each region's score is f(x) − f(x with that region replaced by the baseline).</summary>
internal sealed class FeatureAblationMethod : RegionMethod
{
    public override string Name => "feature-ablation";

    protected override CoalitionPlan Plan(int features, AttributionOptions options, Random random) => new(
        [With(features, Enumerable.Range(0, features)), .. Enumerable.Range(0, features).Select(f => With(features, Enumerable.Range(0, features).Where(g => g != f)))],
        scores => new RegionEstimate([.. Enumerable.Range(0, features).Select(f => (double)scores[0] - scores[f + 1])], null, new Dictionary<Diagnostic, double>()));
}
