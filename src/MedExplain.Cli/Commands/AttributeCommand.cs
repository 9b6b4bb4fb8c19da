using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MedExplain.Cli.Reports;
using MedExplain.Imaging;
using MedExplain.Imaging.Npy;
using MedExplain.Methods;
using MedExplain.Methods.Propagation;
using MedExplain.Onnx;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain attribute</c>: one attribution method on an input batch, written as an NPY array.</summary>
internal static class AttributeCommand
{
    private static readonly Dictionary<string, IntegrationKind> Integrations = new(StringComparer.Ordinal)
    {
        ["riemann-left"] = IntegrationKind.RiemannLeft,
        ["riemann-right"] = IntegrationKind.RiemannRight,
        ["riemann-middle"] = IntegrationKind.RiemannMiddle,
        ["riemann-trapezoid"] = IntegrationKind.RiemannTrapezoid,
        ["gauss-legendre"] = IntegrationKind.GaussLegendre,
    };

    public static Command Create(CliConsole console)
    {
        Option<string> model = CliOptions.Model();
        Option<string?> card = CliOptions.Card();
        Option<string> input = new("--input", "-i") { Description = $"The input: an NPY batch (N, C, H, W) or (N, C, D, H, W), one item, or an image ({ModelInputLoader.SupportedFormats}).", Required = true };
        Option<string> method = new("--method") { Description = $"The attribution method. {CliOptions.MethodsByFamily()}.", Required = true };
        Option<string?> over = CliOptions.Over();
        Option<string> target = new("--target") { Description = "The class to explain: an index for every item, one index per item (1,0,2), or 'predicted'.", DefaultValueFactory = _ => "predicted" };
        Option<string?> targetMask = new("--target-mask") { Description = "An NPY mask over the target output (one output item, or one per input item) to explain Σ mask ⊙ output instead of a class: a region of a segmentation output, or a regression output." };
        Option<string?> outputName = new("--output-name") { Description = "The model output to explain; default: the card's, else the first output." };
        Option<int> steps = new("--steps") { Description = $"Integrated Gradients: number of path points, 1 to {AttributionOptions.MaxSteps}.", DefaultValueFactory = _ => 32 };
        Option<string> integration = new("--integration") { Description = $"Integrated Gradients: {string.Join(", ", Integrations.Keys)}.", DefaultValueFactory = _ => "gauss-legendre" };
        Option<string> baseline = new("--baseline") { Description = "Integrated Gradients, DeepLIFT and occlusion: the baseline (reference) input: zeros, mean, blur, uniform, constant:VALUE, or an NPY file (one item or the batch).", DefaultValueFactory = _ => "zeros" };
        Option<int> samples = new("--samples") { Description = $"SmoothGrad family: noisy copies per item; Expected Gradients: baseline draws per item; shapley-sampling: orderings; kernel-shap: coalitions. From 1 to {AttributionOptions.MaxSamples}.", DefaultValueFactory = _ => 32 };
        Option<double> noise = new("--noise") { Description = "SmoothGrad family: noise σ as a fraction of each item's value range.", DefaultValueFactory = _ => 0.15 };
        Option<int> seed = new("--seed") { Description = "Seed of every random draw (noise, uniform baselines, background draws).", DefaultValueFactory = _ => 0 };
        Option<string?> background = new("--background") { Description = "Expected Gradients and DeepSHAP: an NPY batch of background inputs (baselines to draw from; DeepSHAP's references)." };
        Option<string?> layer = new("--layer") { Description = "CAM methods: the activation to weight (a tensor name from 'medexplain inspect'); default: the card's, else the last before global pooling." };
        Option<string> camResolution = new("--cam-resolution") { Description = "CAM and attention methods: 'input' (upsampled linearly) or 'layer' (the activation's own grid; the patch grid for attention).", DefaultValueFactory = _ => "input" };
        Option<string?> composite = new("--composite") { Description = $"lrp: the composite, one of {string.Join(", ", LrpComposite.Names)} (default {Composites.EpsilonPlus}); Zennit's definitions, and {Composites.Transformer} for vision transformers (CP-LRP)." };
        Option<double> epsilon = new("--epsilon") { Description = "LRP: ε of the ε rule (dense layers in the composites, every layer in lrp-epsilon).", DefaultValueFactory = _ => 1e-6 };
        Option<string[]> ruleOverride = new("--rule-override") { Description = $"LRP: NODE=RULE, repeatable; the rule for one node by name (see 'medexplain inspect'): {LrpRuleText.Names}.", AllowMultipleArgumentsPerToken = false };
        Option<string?> box = new("--box") { Description = "LRP z^B (epsilon-gamma-box): LOW,HIGH bounds of the model-ready input; default: each item's own minimum and maximum." };
        Option<string?> window = new("--window") { Description = "occlusion: the window, one size for every spatial axis or one per axis in array order (8 or 4,8,8); add mm for millimetres (10mm)." };
        Option<string?> stride = new("--stride") { Description = "occlusion: the step between windows, as --window; default half the window." };
        Option<string?> featureMask = new("--feature-mask") { Description = "feature-ablation, shapley-sampling, kernel-shap: an NPY (or NIfTI/PNG on the model grid) of integer region labels, shaped like one input item or its spatial part; default: a grid of patches." };
        Option<int?> cells = new("--cells") { Description = $"rise: grid cells per spatial axis of its random masks (the cell size is the axis over this); default 8 for images, 4 for volumes; 1 to {AttributionOptions.MaxRiseCells}." };
        Option<bool> noAntithetic = new("--no-antithetic") { Description = "shapley-sampling: draw every ordering independently instead of pairing each with its reverse." };
        Option<string?> regionNames = new("--region-names") { Description = "A names table for the --feature-mask labels: one region per line, \"LABEL NAME\" (spaces, tabs or a comma; an atlas's .txt such as AAL's works)." };
        Option<string?> patterns = new("--patterns") { Description = "patternnet, pattern-attribution: the patterns file written by fit-patterns (.npz)." };
        Option<bool> conservation = new("--conservation") { Description = "LRP: also print, for the first item, how much relevance reaches each linear layer's input (conservation check)." };
        Option<bool> noNormalize = new("--no-normalize") { Description = "The input already holds model-ready values: skip the card's intensity normalisation." };
        Option<long> maxMemory = CliOptions.MaxMemory();
        Option<string> output = new("--out", "-o", "--output") { Description = "Where to write the attribution (NPY, float32, shaped like the input batch).", Required = true };
        Option<bool> json = CliOptions.Json();
        var command = new Command("attribute", "Compute an attribution map with one method and write it as NPY; attributions explain the model's pre-softmax output.")
        {
            model, card, input, method, over, target, targetMask, outputName, steps, integration, baseline, samples, noise, seed, background, layer, camResolution,
            composite, epsilon, ruleOverride, box, window, stride, featureMask, regionNames, cells, noAntithetic, patterns, conservation, noNormalize, maxMemory, output, json,
        };
        command.SetAction(result => console.Guard(() =>
        {
            using IDisposable? memory = CliOptions.MemoryScope(result, maxMemory, console);
            OutputLocation.CheckFile(result.GetValue(output)!, "out", result.GetValue(input), result.GetValue(model), result.GetValue(card),
                result.GetValue(background), result.GetValue(targetMask), result.GetValue(featureMask), result.GetValue(patterns), result.GetValue(baseline));
            IAttributionMethod chosen = AttributionMethods.Get(result.GetValue(method)!);
            using OnnxModel loaded = OnnxModel.Load(result.GetValue(model)!, result.GetValue(card));
            ClassTarget classTarget = CliOptions.Target(result.GetValue(target)!, loaded.Card?.ClassNames);
            string inputPath = result.GetValue(input)!;
            PreparedScan? scan = inputPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? null : ModelInputLoader.Prepare(inputPath, loaded.InputSpec, normalize: !result.GetValue(noNormalize));
            FloatTensor batch = scan?.Batch ?? ModelInputLoader.Load(inputPath, loaded.InputSpec, normalize: !result.GetValue(noNormalize));
            AttributionOptions options = Options(result, batch) with
            {
                Window = CliOptions.Sizes(result.GetValue(window), "--window", batch.Rank - 2, scan?.Transform.ModelSpacing),
                Stride = CliOptions.Sizes(result.GetValue(stride), "--stride", batch.Rank - 2, scan?.Transform.ModelSpacing),
                FeatureMask = result.GetValue(featureMask) is { } maskFile ? NpyReader.Read(maskFile) : null,
                RiseCells = result.GetValue(cells),
                Antithetic = !result.GetValue(noAntithetic),
            };
            var clock = Stopwatch.StartNew();
            Attribution attribution = chosen.Attribute(loaded, batch, classTarget, options, console.Progress());
            string outputPath = result.GetValue(output)!;
            NpyWriter.Write(outputPath, attribution.Values);
            IReadOnlyDictionary<int, string> names = result.GetValue(regionNames) is { } namesFile ? RegionNameTable.Read(namesFile) : new Dictionary<int, string>();
            AttributionReport report = AttributionReport.Of(loaded.FilePath, inputPath, outputPath, attribution, clock.Elapsed, names);
            if (result.GetValue(json))
            {
                JsonOutput.Write(console.Out, report);
            }
            else
            {
                report.WriteText(console.Out);
            }

            if (result.GetValue(conservation))
            {
                WriteConservation(console.Out, loaded, batch, attribution, options, result.GetValue(method)!);
            }

            return ExitCodes.Success;
        }));
        return command;

        AttributionOptions Options(ParseResult result, FloatTensor batch)
        {
            string integrationName = result.GetValue(integration)!;
            return new AttributionOptions
            {
                Steps = result.GetValue(steps),
                Integration = Integrations.TryGetValue(integrationName, out IntegrationKind kind)
                    ? kind
                    : throw new MedExplainParameterException("integration", $"'{integrationName}' is not one of {string.Join(", ", Integrations.Keys)}."),
                Samples = result.GetValue(samples),
                Noise = result.GetValue(noise) >= 0 ? result.GetValue(noise) : throw new MedExplainParameterException("noise", "must be 0 or more."),
                Seed = result.GetValue(seed),
                Over = result.GetValue(over),
                Background = result.GetValue(background) is { } path ? NpyReader.Read(path) : null,
                MaxMemoryBytes = result.GetValue(maxMemory),
                Layer = result.GetValue(layer),
                OutputName = result.GetValue(outputName),
                TargetMask = result.GetValue(targetMask) is { } maskPath ? NpyReader.Read(maskPath) : null,
                Composite = result.GetValue(composite),
                Epsilon = result.GetValue(epsilon) >= 0 ? result.GetValue(epsilon) : throw new MedExplainParameterException("epsilon", "must be 0 or more."),
                RuleOverrides = Overrides(result.GetValue(ruleOverride) ?? []),
                Box = result.GetValue(box) is { } bounds ? Box(bounds) : null,
                Patterns = result.GetValue(patterns) is { } patternFile ? new PatternSet(NpzArchive.Read(patternFile), new Dictionary<string, long>()) : null,
                CamAtLayerResolution = result.GetValue(camResolution) switch
                {
                    "layer" => true,
                    "input" => false,
                    var other => throw new MedExplainParameterException("cam-resolution", $"'{other}' is neither 'input' nor 'layer'."),
                },
            }.WithBaseline(result.GetValue(baseline)!, batch);
        }
    }

    private static void WriteConservation(TextWriter w, OnnxModel model, FloatTensor batch, Attribution attribution, AttributionOptions options, string method)
    {
        if (attribution.TargetClasses[0] < 0)
        {
            throw new MedExplainParameterException("conservation", "needs a class target, not a target mask.");
        }

        w.WriteLine($"relevance reaching each layer (item 0, class {attribution.TargetClasses[0]}, score {attribution.TargetScores[0]:0.####}):");
        foreach (LayerConservation layer in LayerConservation.PerLayer(model, batch.Slice(0, 1), attribution.TargetClasses[0], method, options))
        {
            w.WriteLine($"  {layer.Layer,-40} Σ R {layer.RelevanceSum,12:0.####}   gap {layer.Gap,12:0.####}");
        }
    }

    private static Dictionary<string, string> Overrides(string[] pairs)
    {
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int split = pair.LastIndexOf('=');
            if (split <= 0 || split == pair.Length - 1)
            {
                throw new MedExplainParameterException("rule-override", $"'{pair}' is not NODE=RULE.");
            }

            overrides[pair[..split]] = pair[(split + 1)..];
        }

        return overrides;
    }

    private static (float Low, float High) Box(string text)
    {
        string[] parts = text.Split(',');
        return parts.Length == 2
            && float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out float low)
            && float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float high) && low < high
            ? (low, high)
            : throw new MedExplainParameterException("box", $"'{text}' is not LOW,HIGH with LOW < HIGH.");
    }

    /// <summary>zeros | blur | uniform | constant:VALUE | FILE.npy.</summary>
    private static AttributionOptions WithBaseline(this AttributionOptions options, string text, FloatTensor batch)
    {
        return text switch
        {
            "zeros" => options,
            "mean" => options with { Baseline = BaselineKind.Mean },
            "blur" => options with { Baseline = BaselineKind.Blur },
            "uniform" => options with { Baseline = BaselineKind.Uniform },
            _ when text.StartsWith("constant:", StringComparison.Ordinal) &&
                   float.TryParse(text["constant:".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out float value) => options with { Baseline = BaselineKind.Constant, BaselineValue = value },
            _ when text.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) => options with { Baseline = BaselineKind.Array, BaselineArray = CheckedBaseline(text, batch) },
            _ => throw new MedExplainParameterException("baseline", $"'{text}' is not zeros, mean, blur, uniform, constant:VALUE or an .npy file."),
        };
    }

    private static FloatTensor CheckedBaseline(string path, FloatTensor batch)
    {
        FloatTensor array = NpyReader.Read(path);
        return array.Data.Length == batch.ItemSize || array.Data.Length == batch.Data.Length
            ? array
            : throw new MedExplainInputException(path, $"baseline has shape {FloatTensor.FormatShape(array.Shape)}; it must hold one input item {FloatTensor.FormatShape(batch.Shape.AsSpan(1))} or the whole batch {FloatTensor.FormatShape(batch.Shape)}.");
    }
}
