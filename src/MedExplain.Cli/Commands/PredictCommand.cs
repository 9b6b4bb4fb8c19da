using System.CommandLine;
using MedExplain.Batching;
using MedExplain.Cli.Reports;
using MedExplain.Imaging;
using MedExplain.Onnx;
using MedExplain.Pipelines;
using MedExplain.Prediction;

namespace MedExplain.Cli.Commands;

/// <summary><c>medexplain predict</c>: classify one image or a batch of arrays.</summary>
internal static class PredictCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string> model = CliOptions.Model();
        Option<string?> card = CliOptions.Card();
        Option<string> input = new("--input", "-i")
        {
            Description = $"The input: an NPY array (one item, or a batch N×C×… ) or an image ({ModelInputLoader.SupportedFormats}).",
            Required = true,
        };
        Option<bool> noNormalize = new("--no-normalize")
        {
            Description = "The input already holds model-ready values: skip the card's intensity normalisation.",
        };
        Option<long> maxMemory = CliOptions.MaxMemory();
        Option<int?> slice = new("--slice") { Description = "For a 2D model and a volume: the slice to classify (after reorientation to the card's axes); default: the middle one, with a note saying so." };
        Option<bool> json = CliOptions.Json();
        Option<string?> output = new("--out", "-o", "--output")
        {
            Description = "Segmentation models: the folder for NAME-segmentation.nii.gz (labels, uint8) and NAME-probabilities.nii.gz (one volume per class), on the scan's grid with its affine; with --uncertainty also NAME-entropy, NAME-mutual-information and NAME-uncertainty-std (.nii.gz).",
        };
        var uncertainty = new UncertaintyOptions();
        var command = new Command("predict", "Classify an input with a model (class scores, probabilities, class names), or segment it with a segmentation model (labels and per-class volumes in mL on the scan's grid).")
        {
            model, card, input, noNormalize, maxMemory, slice, json, output,
        };
        uncertainty.AddTo(command);
        command.SetAction(result => console.Guard(() =>
        {
            using IDisposable? memory = CliOptions.MemoryScope(result, maxMemory, console);
            if (result.GetValue(output) is { } outputFolder)
            {
                OutputLocation.CheckFolder(outputFolder, "out", result.GetValue(input), result.GetValue(model));
            }
            using OnnxModel loaded = OnnxModel.Load(result.GetValue(model)!, result.GetValue(card));
            string inputPath = result.GetValue(input)!;
            var options = new PredictorOptions { MaxMemoryBytes = result.GetValue(maxMemory) };
            PreparedScan? prepared = inputPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)
                ? null
                : ModelInputLoader.Prepare(inputPath, loaded.InputSpec, normalize: !result.GetValue(noNormalize), slice: result.GetValue(slice));
            if (prepared?.Transform.Slice is int chosen && result.GetValue(slice) is null)
            {
                // A 2D model sees one slice of a volume: which one decides the answer, so say it.
                console.Error.WriteLine($"note: {inputPath} is a volume and the model takes 2D images: classifying slice {chosen} of {prepared.Scan.Dims[2]} (the middle one); choose another with --slice.");
            }

            UncertaintySettings? uncertaintySettings = uncertainty.Settings(result, result.GetValue(maxMemory));
            if (Segmenter.Segments(loaded))
            {
                PreparedScan scan = prepared ?? ModelInputLoader.Prepare(inputPath, loaded.InputSpec, normalize: !result.GetValue(noNormalize));
                SegmentationResult segmentation = new Segmenter(loaded, options).Segment(scan.Batch, inputPath, console.Progress());
                ScanSegmentation onScan = ScanSegmentation.Of(scan, segmentation.Items[0], segmentation.ClassNames);
                ScanUncertainty? voxelUncertainty = null;
                if (uncertaintySettings is not null)
                {
                    (MedExplain.Uncertainty.VoxelUncertainty maps, string method) = UncertaintyEstimate.Voxels(loaded, scan.Batch, uncertaintySettings);
                    voxelUncertainty = ScanUncertainty.Of(scan, maps, method, onScan);
                }

                string[] written = result.GetValue(output) is { } folder
                    ? [.. SegmentationFiles.Write(onScan, folder, inputPath), .. voxelUncertainty?.Write(folder, ScanFolder.Stem(inputPath)) ?? []]
                    : [];
                if (result.GetValue(json))
                {
                    SegmentationReport report = SegmentationReport.Of(loaded.FilePath, inputPath, onScan, written);
                    JsonOutput.Write<object>(console.Out, voxelUncertainty is { } u
                        ? new { segmentation = report, uncertainty = new { method = u.Method, samples = u.Samples, seen = u.Seen, foreground = u.Foreground } }
                        : report);
                }
                else
                {
                    SegmentationText.Write(console.Out, inputPath, onScan, written, voxelUncertainty);
                }

                return ExitCodes.Success;
            }

            FloatTensor batch = prepared?.Batch ?? ModelInputLoader.Load(inputPath, loaded.InputSpec, normalize: !result.GetValue(noNormalize));
            var predictor = new Predictor(loaded, options);
            PredictionResult prediction = predictor.Predict(batch, inputPath, console.Progress());
            (IReadOnlyList<MedExplain.Uncertainty.PredictiveUncertainty> Items, string Method)? estimate = uncertaintySettings is null ? null : UncertaintyEstimate.Of(loaded, batch, uncertaintySettings);
            if (result.GetValue(json))
            {
                PredictionReport report = PredictionReport.Of(loaded.FilePath, inputPath, prediction);
                JsonOutput.Write<object>(console.Out, estimate is { } e ? new { prediction = report, uncertainty = new { method = e.Method, items = e.Items } } : report);
            }
            else
            {
                PredictionText.Write(console.Out, inputPath, prediction);
                if (estimate is { } e)
                {
                    console.Out.WriteLine($"uncertainty ({e.Method}):");
                    foreach ((MedExplain.Uncertainty.PredictiveUncertainty u, int item) in e.Items.Select((u, i) => (u, i)))
                    {
                        console.Out.WriteLine($"  item {item}: {PredictionText.Uncertainty(u, prediction.ClassNames)}");
                    }
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
