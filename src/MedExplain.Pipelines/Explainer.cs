using System.Diagnostics;
using MedExplain.Batching;
using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Prediction;

namespace MedExplain.Pipelines;

/// <summary>Explains a scan: reads it, prepares it for the model, predicts (or segments), runs the methods and maps
/// each result back onto the scan's own voxels. The use case behind <c>medexplain explain</c>, for any program.</summary>
public static class Explainer
{
    /// <summary>Gets the methods used when neither the request nor the model card names any.</summary>
    public static IReadOnlyList<string> DefaultMethods { get; } = ["integrated-gradients", "smoothgrad", "grad-cam"];

    /// <summary>Explains one scan.</summary>
    /// <param name="request">The model, the scan and what to explain.</param>
    /// <param name="log">Receives a line per step (the transform applied, each method as it starts), or null.</param>
    /// <param name="progressFor">Gives each method's progress receiver, or null.</param>
    /// <exception cref="MedExplainInputException">A file is missing or broken, or the model cannot be explained so.</exception>
    public static Explanation Explain(ExplainRequest request, Action<string>? log = null, Func<string, IProgress<BatchProgress>?>? progressFor = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        using OnnxModel model = OnnxModel.Load(request.ModelPath, request.CardPath);
        PreparedScan input = ModelInputLoader.Prepare(request.InputPath, model.InputSpec, normalize: true, request.Read, request.Slice);
        Cases.CaseIndex? caseIndex = request.CaseIndexPath is { } indexFolder ? Cases.CaseIndex.Open(indexFolder, model) : null;
        if (caseIndex is not null && request.SimilarCount < 1)
        {
            throw new MedExplainParameterException("similar", $"must be at least 1, not {request.SimilarCount}.");
        }

        float[]? mask = request.LesionMaskPath is { } maskPath ? LabelMaps.OnScanGrid(maskPath, input.Scan) : null;
        string? atlasPath = request.AtlasPath ?? request.FeatureMaskPath;
        AtlasOnScan? atlas = atlasPath is null ? null : new AtlasOnScan(LabelMaps.OnScanGrid(atlasPath, input.Scan), request.AtlasPath is null ? request.RegionNames : request.AtlasNames);
        ConfounderOnScan? confounder = request.ConfounderMaskPath is { } confounderPath
            ? new ConfounderOnScan(LabelMaps.OnScanGrid(confounderPath, input.Scan), request.ConfounderName ?? ScanFolder.Stem(confounderPath).Replace('-', ' ').Replace('_', ' '))
            : null;
        // The scan's concept scores come first: a CAV file of another model stops the run before any method does.
        ScanConcepts? concepts = request.ConceptVectorsPath is { } cavs && Concepts.ConceptVectorSet.Load(cavs) is var set
            ? new ScanConcepts(cavs, set.TargetClass, set.ClassName, set.Score(model, input.Batch, cavs, request.Options))
            : null;
        foreach (string step in input.Transform.Steps)
        {
            log?.Invoke($"input: {step}");
        }

        // Occlusion sizes may be in millimetres of the model grid, known only now.
        IReadOnlyList<int>? window = request.Occlusion.Window?.ToVoxels(input.Batch.Rank - 2, input.Transform.ModelSpacing, "window");
        IReadOnlyList<int>? stride = request.Occlusion.Stride?.ToVoxels(input.Batch.Rank - 2, input.Transform.ModelSpacing, "stride");
        FloatTensor? featureMask = request.FeatureMaskPath is { } labels ? new FloatTensor(input.Batch.Shape[2..], input.LabelsOnModelGrid(labels)) : null;
        AttributionOptions ForScan(AttributionOptions options) =>
            options with { Window = window ?? options.Window, Stride = stride ?? options.Stride, FeatureMask = featureMask ?? options.FeatureMask };
        var predictorOptions = new PredictorOptions { MaxMemoryBytes = request.Options.MaxMemoryBytes };
        ClassPrediction prediction;
        IReadOnlyList<string> classNames;
        ClassTarget target;
        SegmentationExplained? segmentation = null;
        FloatTensor? regionMask = null;
        if (Segmenter.Segments(model))
        {
            // A segmentation model: explain the predicted region of the requested class, else of the largest one.
            SegmentationResult segmented = new Segmenter(model, predictorOptions).Segment(input.Batch, request.InputPath);
            SegmentedItem item = segmented.Items[0];
            int region = request.Target.Classes is [int requested] ? requested : SegmentationTarget.LargestForeground(item);
            int channels = model.ProbeShapes(input.Batch.Shape).Shapes[model.ScoreOutput.Name][1];
            regionMask = SegmentationTarget.PredictedRegion(item, channels, region);
            prediction = SegmentationTarget.RegionSummary(item, region, segmented.ClassNames);
            classNames = segmented.ClassNames;
            target = ClassTarget.Predicted;
            segmentation = new SegmentationExplained(ScanSegmentation.Of(input, item, classNames), region);
        }
        else
        {
            PredictionResult predicted = new Predictor(model, predictorOptions).Predict(input.Batch, request.InputPath);
            prediction = predicted.Items[0];
            classNames = predicted.ClassNames;
            target = request.Target.Classes is null ? ClassTarget.PerItem([prediction.ClassIndex]) : request.Target;
        }

        // Before the methods: a dropout tensor the model lacks stops the run before any map is made.
        if (request.Uncertainty is not null && segmentation is not null)
        {
            throw new MedExplainParameterException("uncertainty", "on a segmentation model gives voxel maps (UncertaintyEstimate.Voxels, written by prediction with uncertainty); explanations cover classifiers.");
        }

        (Uncertainty.PredictiveUncertainty, string)? uncertainty = request.Uncertainty is { } u && UncertaintyEstimate.Of(model, input.Batch, u) is var estimate
            ? (estimate.Items[0], estimate.Method)
            : null;
        (string Name, AttributionOptions Options)[] runs = request.Settings is { Count: > 0 } settings
            ? [.. settings.Select(m => (m.Name, m.ToOptions()))]
            : [.. Methods(request.Methods, model).Select(name => (name, request.Options))];
        var maps = new List<MethodMap>();
        var deleted = new List<float[]>();
        var onModelGrids = new List<float[]>();
        var failures = new List<MethodFailure>();
        for (int m = 0; m < runs.Length; m++)
        {
            (string method, AttributionOptions options) = runs[m];
            options = ForScan(options) with { TargetMask = regionMask ?? options.TargetMask };
            log?.Invoke($"method {m + 1}/{runs.Length}: {AttributionMethods.Label(method, options.Over)}");
            var clock = Stopwatch.StartNew();
            Attribution attribution;
            try
            {
                attribution = AttributionMethods.Get(method).Attribute(model, input.Batch, target, options, progressFor?.Invoke(method));
            }
            catch (MedExplainInputException e)
            {
                // One method the user must fix (a missing background, an unsupported op) must not cost the others.
                failures.Add(new MethodFailure(AttributionMethods.Label(method, options.Over), e));
                log?.Invoke($"method {m + 1}/{runs.Length}: failed: {e.Message}");
                continue;
            }

            float[] onModelGrid = SumChannels(attribution.Values.Item(0), attribution.Values.Shape[1]);
            deleted.Add(Metrics.FeatureDeletion.Top(input.Batch.Data, attribution.Values.Item(0), DeletionEffect.TopFraction));
            onModelGrids.Add(onModelGrid);
            MapUncertainty? spread = request.Uncertainty is { Source: UncertaintySource.TestTimeAugmentation } && !HasGridInputs(options)
                ? Spread(model, input, method, attribution.TargetClasses[0], options)
                : null;
            maps.Add(new MethodMap(
                AttributionMethods.Label(method, options.Over),
                segmentation?.Region ?? attribution.TargetClasses[0],
                attribution.TargetScores[0],
                input.Transform.MapBack(onModelGrid),
                clock.Elapsed.TotalSeconds,
                attribution.Diagnostics.ToDictionary(d => d.Key, d => d.Value[0]))
            {
                Regions = attribution.Regions?[0],
                Summary = AttributionMethods.Summarize(method, options.Over),
                Warnings = spread is { TopOverlap: < Uncertainty.MapSpread.UnstableBelow } unstable
                    ? [.. attribution.Warnings, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"This map may be unreliable: its strongest 10% moved between test-time augmentations (mean overlap {unstable.TopOverlap:0.00}, below {Uncertainty.MapSpread.UnstableBelow}).")]
                    : attribution.Warnings,
                Spread = spread,
                CarriesSign = AttributionMethods.CarriesSign(method, options.Over),
                AddsUpToScore = AttributionMethods.AddsUpToScore(method, options.Over),
            });
        }

        if (segmentation is null && maps.Count > 0)
        {
            // Every map's deletion in one batched prediction.
            PredictionResult after = new Predictor(model, predictorOptions).Predict(new FloatTensor([maps.Count, .. input.Batch.Shape[1..]], [.. deleted.SelectMany(d => d)]), request.InputPath);
            for (int m = 0; m < maps.Count; m++)
            {
                maps[m] = maps[m] with { Deletion = new DeletionEffect(DeletionEffect.TopFraction, prediction.Probabilities[maps[m].TargetClass], after.Items[m].Probabilities[maps[m].TargetClass]) };
            }
        }

        Cases.SimilarCasesResult? similar = caseIndex is null ? null : Cases.SimilarCases.Find(model, caseIndex, input, request.SimilarCount, null, request.Options.MaxMemoryBytes);
        var explanation = new Explanation(
            model.FilePath, model.Card?.Name ?? Path.GetFileNameWithoutExtension(model.FilePath), model.Card?.Description,
            model.Card?.Evaluation ?? new Dictionary<string, double>(), input, prediction, classNames, maps,
            request.Parameters, mask, request.LesionMaskPath)
        {
            RegionNames = request.RegionNames,
            Segmentation = segmentation,
            Failures = failures,
            Concepts = concepts,
            // On the model's grid: as telling as the scan's, and bounded however large the scan.
            Agreement = [.. maps.SelectMany((a, i) => maps.Skip(i + 1).Select((b, j) => new MethodAgreement(a.Method, b.Method, Metrics.Randomisation.Spearman(onModelGrids[i], onModelGrids[i + 1 + j]))))],
            Uncertainty = uncertainty,
            Atlas = atlas,
            Confounder = confounder,
            SimilarCases = similar,
        };
        return explanation with { Summary = Summaries.ExplanationSummary.Of(explanation, request.SummaryTemplates, request.Uncertainty?.Source) };
    }

    /// <summary>Whether the method reads inputs laid out on the model grid (a label map, a target mask, background scans,
    /// patterns) that test-time augmentation would have to move too: such maps get no spread rather than a wrong one.</summary>
    private static bool HasGridInputs(AttributionOptions options) =>
        options.FeatureMask is not null || options.TargetMask is not null || options.Background is not null || options.Patterns is not null || options.BaselineArray is not null;

    /// <summary>The map's spread across the standard test-time augmentations, on the scan's grid.</summary>
    private static MapUncertainty Spread(OnnxModel model, PreparedScan input, string method, int targetClass, AttributionOptions options)
    {
        IReadOnlyList<Uncertainty.Augmentation> augmentations = Uncertainty.TestTimeAugmentation.Standard(input.Batch.Shape);
        IReadOnlyList<FloatTensor> maps = Uncertainty.TestTimeAugmentation.Maps(model, input.Batch, AttributionMethods.Get(method), targetClass, augmentations, options);
        Uncertainty.MapSpread spread = Uncertainty.TestTimeAugmentation.Spread([.. maps.Select(m => SumChannels(m.Item(0), m.Shape[1]))]);
        return new MapUncertainty(input.Transform.MapBack(spread.StandardDeviation), spread.TopOverlap, augmentations.Count);
    }

    /// <summary>The requested methods; else the card's recommendations that exist; else the defaults.</summary>
    private static string[] Methods(IReadOnlyList<string>? requested, OnnxModel model)
    {
        if (requested is { Count: > 0 })
        {
            foreach (string name in requested)
            {
                AttributionMethods.Get(name); // fails early, listing the methods, for a wrong name
            }

            return [.. requested];
        }

        string[] recommended = [.. (model.Card?.RecommendedMethods ?? []).Where(AttributionMethods.Names.Contains)];
        return recommended.Length > 0 ? recommended : [.. DefaultMethods];
    }

    /// <summary>One item's map with its channels added up (maps are shown and scored per voxel).</summary>
    /// <param name="item">The item's map, channel-major.</param>
    /// <param name="channels">Its channels.</param>
    public static float[] SumChannels(ReadOnlySpan<float> item, int channels)
    {
        int plane = item.Length / channels;
        var sum = new float[plane];
        for (int c = 0; c < channels; c++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(sum, item.Slice(c * plane, plane), sum);
        }

        return sum;
    }
}
