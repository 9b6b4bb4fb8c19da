using MedExplain.Onnx;
using MedExplain.Uncertainty;

namespace MedExplain.Pipelines;

/// <summary>Where a prediction's uncertainty comes from.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<UncertaintySource>))]
public enum UncertaintySource
{
    /// <summary>Test-time augmentation: the identity, a flip along each spatial axis, quarter turns of square planes.</summary>
    TestTimeAugmentation,

    /// <summary>MC dropout by graph surgery with seeded masks: at a named tensor, else where the card says, else at the
    /// model's own Dropout nodes.</summary>
    McDropout,

    /// <summary>An ensemble: the model and replicas trained like it (other seeds), one sample each.</summary>
    Ensemble,
}

/// <summary>How to estimate uncertainty.</summary>
/// <param name="Source">Augmentations or dropout.</param>
/// <param name="Samples">Dropout samples per input (augmentations use their own count).</param>
/// <param name="Seed">Seeds the dropout masks (input k uses seed + k).</param>
/// <param name="DropoutAt">The tensor dropout is inserted at (often the pooled features before the head); null for the
/// card's, else the model's own Dropout nodes.</param>
/// <param name="DropoutRate">The dropout probability; null for the card's, or each Dropout node's own (0.2 at a named tensor).</param>
/// <param name="MaxMemoryBytes">The memory the dropout batches may take.</param>
public sealed record UncertaintySettings(UncertaintySource Source, int Samples = 20, int Seed = 0, string? DropoutAt = null, double? DropoutRate = null, long MaxMemoryBytes = Prediction.PredictorOptions.DefaultMemoryBudgetBytes)
{
    /// <summary>Gets the replica models of an ensemble (the model itself is the first member).</summary>
    public IReadOnlyList<string> Replicas { get; init; } = [];
}

/// <summary>The uncertainty of each prediction of a batch: the use case behind <c>predict --uncertainty</c>.</summary>
public static class UncertaintyEstimate
{
    /// <summary>Estimates each item's uncertainty.</summary>
    /// <param name="model">The model.</param>
    /// <param name="batch">Model-ready inputs (N, C, spatial…).</param>
    /// <param name="settings">How.</param>
    /// <returns>One result per item, and a sentence saying how it was obtained.</returns>
    /// <exception cref="MedExplainParameterException">Dropout without a tensor, or settings out of range.</exception>
    public static (IReadOnlyList<PredictiveUncertainty> Items, string Method) Of(OnnxModel model, FloatTensor batch, UncertaintySettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(settings);
        FloatTensor[] items = [.. Enumerable.Range(0, batch.BatchSize).Select(i => batch.Slice(i, 1))];
        if (settings.Source == UncertaintySource.TestTimeAugmentation)
        {
            IReadOnlyList<Augmentation> augmentations = TestTimeAugmentation.Standard(batch.Shape);
            return ([.. items.Select(item => TestTimeAugmentation.Predict(model, item, augmentations))],
                $"test-time augmentation: {string.Join(", ", augmentations.Select(a => a.Name))}");
        }

        if (settings.Source == UncertaintySource.Ensemble)
        {
            return Ensemble(model, batch, settings);
        }

        using McDropout dropout = Dropout(model, [1, .. batch.Shape[1..]], settings);
        return ([.. items.Select((item, k) => dropout.Predict(item, settings.Samples, settings.Seed + k, settings.MaxMemoryBytes).Uncertainty)], DropoutMethod(dropout, settings));
    }

    private static string DropoutMethod(McDropout dropout, UncertaintySettings settings)
    {
        string sites = string.Join(", ", dropout.Sites.Select(s => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"rate {s.Rate:0.###} at {s.Tensor}")));
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"MC dropout: {sites}, {settings.Samples} samples, seed {settings.Seed}");
    }

    /// <summary>A segmentation's uncertainty at every voxel of the model's grid: the same samples as for a classifier,
    /// each sample's class probabilities per voxel (test-time augmentations inverted back onto the input's grid).</summary>
    /// <param name="model">A segmentation model.</param>
    /// <param name="input">One model-ready input (1, C, spatial…).</param>
    /// <param name="settings">How.</param>
    /// <returns>The maps, and a sentence saying how they were obtained.</returns>
    public static (VoxelUncertainty Maps, string Method) Voxels(OnnxModel model, FloatTensor input, UncertaintySettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(settings);
        var options = new Prediction.PredictorOptions { MaxMemoryBytes = settings.MaxMemoryBytes };
        float[][] Segment(OnnxModel member, FloatTensor x) => new Prediction.Segmenter(member, options).Segment(x, "uncertainty").Items[0].Probabilities;
        var sums = new VoxelUncertainty.Sums();
        switch (settings.Source)
        {
            case UncertaintySource.TestTimeAugmentation:
                IReadOnlyList<Augmentation> augmentations = TestTimeAugmentation.Standard(input.Shape);
                Prediction.SegmentationResult segmented = new Prediction.Segmenter(model, options).Segment(FloatTensor.Concatenate([.. augmentations.Select(a => a.Apply(input))]), "test-time augmentation");
                for (int a = 0; a < augmentations.Count; a++)
                {
                    float[][] probabilities = segmented.Items[a].Probabilities;
                    var stacked = new FloatTensor([1, probabilities.Length, .. input.Shape[2..]], [.. probabilities.SelectMany(p => p)]);
                    FloatTensor back = augmentations[a].Invert(stacked);
                    sums.Add([.. Enumerable.Range(0, probabilities.Length).Select(c => back.Data.AsSpan(c * probabilities[0].Length, probabilities[0].Length).ToArray())]);
                }

                return (sums.Result(), $"test-time augmentation: {string.Join(", ", augmentations.Select(a => a.Name))}");
            case UncertaintySource.Ensemble:
                using (EnsembleMembers ensemble = EnsembleMembers.Load(model, settings))
                {
                    foreach (OnnxModel member in ensemble.Models)
                    {
                        sums.Add(Segment(member, input));
                    }

                    return (sums.Result(), ensemble.Method);
                }

            default:
                using (McDropout dropout = Dropout(model, input.Shape, settings))
                {
                    int[] output = model.ProbeShapes(input.Shape).Shapes[model.ScoreOutput.Name];
                    bool probabilities = model.Card?.OutputIsProbabilities ?? false;
                    dropout.Run(input, settings.Samples, settings.Seed, settings.MaxMemoryBytes, (_, scores) =>
                        sums.Add(Prediction.SegmentedItem.Of(0, scores, output[1], output[2..], output[1] == 1, probabilities).Probabilities));
                    return (sums.Result(), DropoutMethod(dropout, settings));
                }
        }
    }

    /// <summary>The dropout sites: the named tensor, else the card's, else the model's own Dropout nodes.</summary>
    private static McDropout Dropout(OnnxModel model, int[] inputShape, UncertaintySettings settings)
    {
        if ((settings.DropoutAt ?? model.Card?.Dropout?.At) is { } tensor)
        {
            return McDropout.At(model, tensor, settings.DropoutRate ?? model.Card?.Dropout?.Rate ?? 0.2, inputShape);
        }

        return model.Proto.Graph.Node.Any(n => n.OpType == "Dropout")
            ? McDropout.AtDropoutNodes(model, inputShape, settings.DropoutRate)
            : throw new MedExplainParameterException("dropout-at", "names no tensor, the model card names none and the model has no Dropout node (an eval-mode export removes them): name the tensor to drop, often the pooled features before the classifier head (see inspect).");
    }

    /// <summary>Each item's predictions by the model and each replica: one sample per member.</summary>
    private static (IReadOnlyList<PredictiveUncertainty>, string) Ensemble(OnnxModel model, FloatTensor batch, UncertaintySettings settings)
    {
        using EnsembleMembers ensemble = EnsembleMembers.Load(model, settings);
        var options = new Prediction.PredictorOptions { MaxMemoryBytes = settings.MaxMemoryBytes };
        Prediction.PredictionResult[] predictions = [.. ensemble.Models.Select(m => new Prediction.Predictor(m, options).Predict(batch, m.FilePath))];
        return ([.. Enumerable.Range(0, batch.BatchSize).Select(i => PredictiveUncertainty.Of([.. predictions.Select(p => p.Items[i].Probabilities)]))], ensemble.Method);
    }

    /// <summary>The model and its replicas, loaded and checked to be the same network; disposing disposes the replicas.</summary>
    private sealed class EnsembleMembers(List<OnnxModel> models, string method) : IDisposable
    {
        public IReadOnlyList<OnnxModel> Models => models;

        public string Method => method;

        public static EnsembleMembers Load(OnnxModel model, UncertaintySettings settings)
        {
            if (settings.Replicas.Count == 0)
            {
                throw new MedExplainParameterException("ensemble", "names no model: an ensemble needs the model and at least one replica trained like it.");
            }

            var ensemble = new EnsembleMembers([model], $"ensemble of {settings.Replicas.Count + 1}: the model and {string.Join(", ", settings.Replicas.Select(Path.GetFileName))}");
            try
            {
                foreach (string path in settings.Replicas)
                {
                    OnnxModel replica = OnnxModel.Load(path);
                    ensemble.Add(replica);
                    if (replica.ImageInput.FormatShape() != model.ImageInput.FormatShape() || replica.ScoreOutput.FormatShape() != model.ScoreOutput.FormatShape())
                    {
                        throw new MedExplainInputException(path, $"takes {replica.ImageInput.FormatShape()} and gives {replica.ScoreOutput.FormatShape()}, but the model takes {model.ImageInput.FormatShape()} and gives {model.ScoreOutput.FormatShape()}: a replica must be the same network trained again.");
                    }
                }
            }
            catch
            {
                ensemble.Dispose();
                throw;
            }

            return ensemble;
        }

        private void Add(OnnxModel replica) => models.Add(replica);

        public void Dispose()
        {
            foreach (OnnxModel replica in models.Skip(1))
            {
                replica.Dispose();
            }
        }
    }
}
