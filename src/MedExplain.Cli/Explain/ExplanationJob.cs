using System.Diagnostics;
using MedExplain.Batching;
using MedExplain.Cli.Commands;
using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Prediction;

namespace MedExplain.Cli.Explain;

/// <summary>Reads a scan, predicts, runs the methods and maps each result back onto the scan's own voxels.</summary>
internal static class ExplanationJob
{
    /// <summary>The methods used when neither the user nor the model card names any.</summary>
    public static readonly string[] DefaultMethods = ["integrated-gradients", "smoothgrad", "grad-cam"];

    public static Explanation Run(ExplainRequest request, TextWriter log, Func<string, IProgress<BatchProgress>> progressFor)
    {
        using OnnxModel model = OnnxModel.Load(request.ModelPath, request.CardPath);
        PreparedScan input = ModelInputLoader.Prepare(request.InputPath, model, normalize: true, request.Read, request.Slice);
        float[]? mask = request.LesionMaskPath is { } maskPath ? LesionMask(maskPath, input.Scan) : null;
        foreach (string step in input.Transform.Steps)
        {
            log.WriteLine($"input: {step}");
        }

        // Occlusion sizes may be in millimetres of the model grid, known only now.
        AttributionOptions options = request.Options with
        {
            Window = CliOptions.Sizes(request.Occlusion.Window, "--window", input.Batch.Rank - 2, input.Transform.ModelSpacing) ?? request.Options.Window,
            Stride = CliOptions.Sizes(request.Occlusion.Stride, "--stride", input.Batch.Rank - 2, input.Transform.ModelSpacing) ?? request.Options.Stride,
            FeatureMask = request.FeatureMaskPath is { } labels ? new FloatTensor(input.Batch.Shape[2..], input.LabelsOnModelGrid(labels)) : request.Options.FeatureMask,
        };
        var predictorOptions = new PredictorOptions { MaxMemoryBytes = request.Options.MaxMemoryBytes };
        ClassPrediction prediction;
        IReadOnlyList<string> classNames;
        ClassTarget target;
        SegmentationExplained? segmentation = null;
        if (Segmenter.Segments(model))
        {
            // A segmentation model: explain the predicted region of the requested class, else of the largest one.
            SegmentationResult segmented = new Segmenter(model, predictorOptions).Segment(input.Batch, request.InputPath);
            SegmentedItem item = segmented.Items[0];
            int region = request.Target.Classes is [int requested] ? requested : SegmentationTarget.LargestForeground(item);
            int channels = model.ProbeShapes(input.Batch.Shape).Shapes[model.ScoreOutput.Name][1];
            options = options with { TargetMask = SegmentationTarget.PredictedRegion(item, channels, region) };
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

        string[] methods = Methods(request.Methods, model);
        var maps = new List<MethodMap>();
        for (int m = 0; m < methods.Length; m++)
        {
            log.WriteLine($"method {m + 1}/{methods.Length}: {methods[m]}");
            var clock = Stopwatch.StartNew();
            Attribution attribution = AttributionMethods.Get(methods[m]).Attribute(model, input.Batch, target, options, progressFor(methods[m]));
            float[] onModelGrid = SumChannels(attribution.Values.Item(0), attribution.Values.Shape[1]);
            maps.Add(new MethodMap(
                methods[m],
                segmentation?.Region ?? attribution.TargetClasses[0],
                attribution.TargetScores[0],
                input.Transform.MapBack(onModelGrid),
                clock.Elapsed.TotalSeconds,
                attribution.Diagnostics.ToDictionary(d => d.Key, d => d.Value[0]))
            {
                Regions = attribution.Regions?[0],
            });
        }

        return new Explanation(
            model.FilePath, model.Card?.Name ?? Path.GetFileNameWithoutExtension(model.FilePath), model.Card?.Description,
            model.Card?.Evaluation ?? new Dictionary<string, double>(), input, prediction, classNames, maps,
            request.Parameters, mask, request.LesionMaskPath)
        {
            RegionNames = request.RegionNames,
            Segmentation = segmentation,
        };
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
        return recommended.Length > 0 ? recommended : DefaultMethods;
    }

    /// <summary>One item's map with its channels added up (maps are shown and scored per voxel).</summary>
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

    private static float[] LesionMask(string path, MedicalImage scan)
    {
        MedicalImage mask = MedicalImageReader.Read(path);
        if (!mask.Dims.SequenceEqual(scan.Dims))
        {
            throw new MedExplainInputException(path, $"is a mask of {string.Join("×", mask.Dims)} voxels; the scan has {string.Join("×", scan.Dims)}.");
        }

        return mask.Voxels[..scan.VoxelsPerChannel];
    }
}

/// <summary>What the user asked <c>explain</c> for.</summary>
internal sealed record ExplainRequest(
    string ModelPath,
    string? CardPath,
    string InputPath,
    ImageReadOptions Read,
    int? Slice,
    IReadOnlyList<string>? Methods,
    ClassTarget Target,
    AttributionOptions Options,
    string? LesionMaskPath,
    IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>Gets the occlusion window and stride as the user wrote them (voxels or millimetres).</summary>
    public OcclusionSizes Occlusion { get; init; } = new(null, null);

    /// <summary>Gets a label map on the scan's grid whose regions the region methods explain, or null.</summary>
    public string? FeatureMaskPath { get; init; }

    /// <summary>Gets the names of the label map's regions, or empty.</summary>
    public IReadOnlyDictionary<int, string> RegionNames { get; init; } = new Dictionary<int, string>();
}

/// <summary>Occlusion sizes as written on the command line ("8", "4,8,8", "10mm").</summary>
/// <param name="Window">The window, or null.</param>
/// <param name="Stride">The stride, or null.</param>
internal sealed record OcclusionSizes(string? Window, string? Stride);
