using System.Globalization;

namespace MedExplain.Pipelines.Summaries;

/// <summary>
/// A plain-language summary of an explanation, built only from what was computed: the prediction and its probability,
/// the model's uncertainty, where the first map's positive relevance lies (by atlas region, inside the lesion, on a known
/// confounder), how much the methods agree, and what deleting the map's top voxels does to the score. Every number in
/// <see cref="Text"/> is a value of <see cref="Facts"/>, rounded as printed.
/// </summary>
/// <param name="Text">The sentences.</param>
/// <param name="Facts">The figures they state.</param>
public sealed record ExplanationSummary(string Text, SummaryFacts Facts)
{
    /// <summary>How many atlas regions each map's facts keep.</summary>
    public const int RegionsKept = 5;

    /// <summary>The most regions a sentence names.</summary>
    public const int RegionsNamed = 3;

    /// <summary>A region after the first is named only from this share (percent) on.</summary>
    public const int NamedFromPercent = 5;

    /// <summary>Summarises an explanation.</summary>
    /// <param name="explanation">The explanation (with its atlas, lesion and confounder masks where given).</param>
    /// <param name="templates">The sentences, or null for English.</param>
    /// <param name="uncertaintySource">Where the uncertainty samples came from, when measured.</param>
    public static ExplanationSummary Of(Explanation explanation, SummaryTemplates? templates = null, UncertaintySource? uncertaintySource = null)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        SummaryFacts facts = FactsOf(explanation, uncertaintySource);
        return new ExplanationSummary(Write(facts, templates ?? SummaryTemplates.English), facts);
    }

    private static SummaryFacts FactsOf(Explanation e, UncertaintySource? source)
    {
        UncertaintyFacts? uncertainty = e.Uncertainty is { } u && source is { } s
            ? new UncertaintyFacts(s, u.Measures.Samples, Round2(u.Measures.PredictiveEntropy), Round2(Math.Log(u.Measures.MeanProbabilities.Length)), Round2(u.Measures.MutualInformation))
            : null;
        AgreementFacts? agreement = null;
        if (e.Agreement.Count > 0)
        {
            double mean = Round2(e.Agreement.Average(a => a.RankCorrelation));
            AgreementVerdict verdict = mean < MethodAgreement.DisagreeBelow ? AgreementVerdict.Disagree : mean < MethodAgreement.AgreeFrom ? AgreementVerdict.InPart : AgreementVerdict.Agree;
            agreement = new AgreementFacts([.. e.Maps.Select(m => m.Method)], mean, verdict);
        }

        return new SummaryFacts(
            e.Prediction.ClassName,
            ProbabilityPercent(e.Prediction.Confidence),
            e.Segmentation is { } seg ? Math.Round(seg.OnScan.Volumes[seg.Region].Millilitres, 1, MidpointRounding.AwayFromZero) : null,
            uncertainty,
            [.. e.Maps.Select(m => MapFactsOf(m, e))],
            agreement,
            e.SimilarCases is { Cases.Count: > 0 } similar
                ? new SimilarCasesFacts(
                    similar.Cases.Count,
                    [.. similar.Cases.GroupBy(c => c.Match.Case.Label ?? "unlabelled").OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => new LabelCount(g.Key, g.Count()))],
                    BelowOne(similar.Cases[0].Match.Similarity, 4))
                : null);
    }

    private static MapFacts MapFactsOf(MethodMap map, Explanation e)
    {
        float[] values = map.OnScan;
        double total = 0;
        foreach (float v in values)
        {
            total += Math.Max(v, 0);
        }

        double Share(Func<int, bool> inside)
        {
            double sum = 0;
            for (int i = 0; i < values.Length; i++)
            {
                if (values[i] > 0 && inside(i))
                {
                    sum += values[i];
                }
            }

            return total > 0 ? sum / total : 0;
        }

        IReadOnlyList<RegionShare> regions = [];
        int? outside = null;
        if (e.Atlas is { } atlas)
        {
            regions = [.. Metrics.RegionRelevance.Of(values, atlas.LabelsOnScan).Take(RegionsKept).Where(r => r.Sum > 0)
                .Select(r => new RegionShare(r.Label, atlas.Names.GetValueOrDefault(r.Label, $"region {r.Label}"), Percent(r.Sum / total)))];
            outside = Percent(Share(i => atlas.LabelsOnScan[i] == 0));
        }

        float[]? lesion = e.LesionMask is { } marked && marked.Any(v => v > 0) ? marked : null; // a normal scan's empty mask marks nothing
        return new MapFacts(
            map.Method,
            total > 0,
            regions,
            outside,
            lesion is null ? null : Percent(Share(i => lesion[i] > 0)),
            lesion is null ? null : Area(lesion),
            e.Confounder is { } confounder ? new ConfounderShare(confounder.Name, Percent(Share(i => confounder.MaskOnScan[i] > 0)), Area(confounder.MaskOnScan)) : null,
            map.Deletion is { } d ? new DeletionFacts(Percent(d.Fraction), e.ClassNames[map.TargetClass], ProbabilityPercent(d.ProbabilityBefore), ProbabilityPercent(d.ProbabilityAfter)) : null);
    }

    private static string Write(SummaryFacts f, SummaryTemplates t)
    {
        var sentences = new List<string>
        {
            f.RegionMillilitres is { } ml
                ? t.Fill("predictedRegion", ("class", f.PredictedClass), ("millilitres", Number(ml)), ("probability", Number(f.ProbabilityPercent)))
                : t.Fill("prediction", ("class", f.PredictedClass), ("probability", Number(f.ProbabilityPercent))),
        };
        if (f.Uncertainty is { } u)
        {
            string source = t.Fill(u.Source switch { UncertaintySource.McDropout => "sourceMcDropout", UncertaintySource.Ensemble => "sourceEnsemble", _ => "sourceTestTimeAugmentation" });
            sentences.Add(t.Fill("uncertainty", ("samples", Number(u.Samples)), ("source", source), ("entropy", Number(u.PredictiveEntropy)), ("maxEntropy", Number(u.MaxEntropy)), ("mutualInformation", Number(u.MutualInformation))));
        }

        if (f.Maps.Count > 0 && Where(f.Maps[0], t) is { } where)
        {
            sentences.Add(where);
        }

        if (f.Agreement is { } a)
        {
            string key = a.Verdict switch { AgreementVerdict.Agree => "methodsAgree", AgreementVerdict.InPart => "methodsAgreeInPart", _ => "methodsDisagree" };
            sentences.Add(t.Fill(key, ("methods", t.List(a.Methods)), ("correlation", Number(a.MeanRankCorrelation))));
        }

        if (f.SimilarCases is { } similar)
        {
            string labels = t.List([.. similar.Labels.Select(l => t.Fill("similarLabel", ("label", l.Label), ("cases", Number(l.Cases))))]);
            sentences.Add(t.Fill("similarCases", ("count", Number(similar.Count)), ("labels", labels), ("similarity", Number(similar.TopSimilarity))));
        }

        if (f.Maps.Count > 0 && f.Maps[0].Deletion is { } d)
        {
            sentences.Add(t.Fill("deletion", ("fraction", Number(d.FractionPercent)), ("method", f.Maps[0].Method), ("class", d.ClassName), ("before", Number(d.BeforePercent)), ("after", Number(d.AfterPercent))));
        }

        return string.Join(" ", sentences);
    }

    /// <summary>The sentence on where the first map's relevance lies: led by the largest region, else the lesion, else
    /// the confounder; null when nothing says where.</summary>
    private static string? Where(MapFacts m, SummaryTemplates t)
    {
        (string Slot, string Text) method = ("method", m.Method);
        if (!m.HasPositiveRelevance)
        {
            return t.Fill("noRelevance", method);
        }

        string? lead = null;
        var more = new List<string>();
        if (m.Regions.Count > 0)
        {
            lead = t.Fill("relevanceInRegion", ("percent", Number(m.Regions[0].Percent)), method, ("region", m.Regions[0].Name));
            more.AddRange(m.Regions.Skip(1).Take(RegionsNamed - 1).Where(r => r.Percent >= NamedFromPercent)
                .Select(r => t.Fill("alsoRegion", ("percent", Number(r.Percent)), ("region", r.Name))));
            if (m.OutsideRegionsPercent is >= NamedFromPercent and var outside)
            {
                more.Add(t.Fill("outsideRegions", ("percent", Number(outside))));
            }
        }

        if (m.LesionPercent is { } lesion)
        {
            if (lead is null)
            {
                lead = t.Fill("relevanceInLesion", ("percent", Number(lesion)), method, ("area", Number(m.LesionAreaPercent!.Value)));
            }
            else
            {
                more.Add(t.Fill("alsoLesion", ("percent", Number(lesion)), ("area", Number(m.LesionAreaPercent!.Value))));
            }
        }

        if (m.Confounder is { } c)
        {
            if (lead is null)
            {
                lead = t.Fill("relevanceOnConfounder", ("percent", Number(c.Percent)), method, ("confounder", c.Name), ("area", Number(c.AreaPercent)));
            }
            else
            {
                more.Add(t.Fill("alsoConfounder", ("percent", Number(c.Percent)), ("confounder", c.Name), ("area", Number(c.AreaPercent))));
            }
        }

        return lead is null ? null : t.List([lead, .. more]) + t.Fill("sentenceEnd");
    }

    /// <summary>A probability in percent to 0.1, never rounded to a certainty the model did not give (0.9997 is 99.9, not 100).</summary>
    /// <param name="p">The probability.</param>
    public static double ProbabilityPercent(double p)
    {
        double percent = BelowOne(p, 3) * 100;
        return percent <= 0 && p > 0 ? 0.1 : Math.Round(percent, 1);
    }

    /// <summary>A value up to 1 rounded to <paramref name="decimals"/>, never rounded up to 1 when it is below (a cosine
    /// of 0.99996 is 0.9999, not 1: only the same case is 1).</summary>
    private static double BelowOne(double value, int decimals)
    {
        double rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        return rounded >= 1 && value < 1 ? 1 - Math.Pow(10, -decimals) : rounded;
    }

    /// <summary>The share of the scan's voxels a mask covers, in percent to 0.1.</summary>
    private static double Area(float[] mask) => Math.Round(100.0 * mask.Count(v => v > 0) / mask.Length, 1, MidpointRounding.AwayFromZero);

    private static int Percent(double fraction) => (int)Math.Round(fraction * 100, MidpointRounding.AwayFromZero);

    private static double Round2(double value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    /// <summary>A fact as printed: its value exactly as stored (the facts are rounded already), so text and JSON agree.</summary>
    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
