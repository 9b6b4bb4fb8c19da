using MedExplain.Batching;
using MedExplain.Onnx;

namespace MedExplain.Prediction;

/// <summary>Segments batches with a model whose score output holds a class score per voxel, (N, classes, [D,] H, W):
/// per-class probabilities (softmax over the classes; a sigmoid for a single foreground channel) and the label of the
/// most probable class at every voxel.</summary>
/// <param name="model">The model.</param>
/// <param name="options">The memory budget.</param>
public sealed class Segmenter(OnnxModel model, PredictorOptions? options = null)
{
    /// <summary>Whether the model's score output is a segmentation (rank above 2), read off a probe run when the
    /// model does not declare the output's rank.</summary>
    /// <param name="model">The model.</param>
    public static bool Segments(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.ScoreOutput.Rank > 0)
        {
            return model.ScoreOutput.Rank > 2;
        }

        return model.ProbeShape is { } shape && model.ProbeShapes(shape).Shapes[model.ScoreOutput.Name].Length > 2;
    }

    /// <summary>Segments every item of <paramref name="inputs"/>.</summary>
    /// <param name="inputs">The batch, shaped as the model input expects (already normalised).</param>
    /// <param name="source">Where the inputs came from, for error messages.</param>
    /// <param name="progress">Receives progress after each runtime call.</param>
    /// <param name="cancellationToken">Stops between calls.</param>
    /// <exception cref="MedExplainInputException">The inputs do not fit the model, or its output is not per voxel.</exception>
    public SegmentationResult Segment(FloatTensor inputs, string source, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        InputShapeCheck.Check(model, inputs, source);
        var predictor = new Predictor(model, options);
        FloatTensor scores = predictor.Forward(inputs, model.ScoreOutput.Name, progress, cancellationToken);
        if (scores.Rank < 3)
        {
            throw new MedExplainInputException(model.FilePath, $"output '{model.ScoreOutput.Name}' has shape {FloatTensor.FormatShape(scores.Shape)}, not a score per class and voxel (N, classes, …).");
        }

        bool single = scores.Shape[1] == 1;
        IReadOnlyList<string> names = ClassNames(single ? 2 : scores.Shape[1]);
        bool probabilities = model.Card?.OutputIsProbabilities ?? false;
        var items = new SegmentedItem[scores.BatchSize];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = SegmentedItem.Of(i, scores.Item(i), scores.Shape[1], scores.Shape[2..], single, probabilities);
        }

        return new SegmentationResult(items, names);
    }

    private IReadOnlyList<string> ClassNames(int classes)
    {
        if (model.Card is { ClassNames.Count: > 0 } card)
        {
            return card.ClassNames.Count == classes
                ? card.ClassNames
                : throw new MedExplainInputException(card.SourcePath, $"model card names {card.ClassNames.Count} classes, but the model segments {classes}.");
        }

        return [.. Enumerable.Range(0, classes).Select(c => c == 0 ? "background" : $"class {c}")];
    }
}

/// <summary>What a segmentation model said about one input.</summary>
/// <param name="Item">The input's index in the batch.</param>
/// <param name="Probabilities">Each class's probability at every voxel of the model grid, class-major.</param>
/// <param name="Labels">The most probable class at every voxel (the first on ties).</param>
/// <param name="SpatialShape">The model grid's spatial shape.</param>
public sealed record SegmentedItem(int Item, float[][] Probabilities, int[] Labels, int[] SpatialShape)
{
    /// <summary>Computes probabilities and labels from one item's scores.</summary>
    /// <param name="item">The item's index.</param>
    /// <param name="scores">Its scores, class-major: (channels, spatial…).</param>
    /// <param name="channels">The number of output channels.</param>
    /// <param name="spatial">The spatial shape.</param>
    /// <param name="singleForeground">One channel: a sigmoid gives the foreground, 1 − it the background.</param>
    /// <param name="alreadyProbabilities">The model emits probabilities (no softmax or sigmoid is applied).</param>
    public static SegmentedItem Of(int item, ReadOnlySpan<float> scores, int channels, int[] spatial, bool singleForeground, bool alreadyProbabilities)
    {
        ArgumentNullException.ThrowIfNull(spatial);
        int voxels = scores.Length / channels;
        int classes = singleForeground ? 2 : channels;
        float[][] probabilities = [.. Enumerable.Range(0, classes).Select(_ => new float[voxels])];
        var labels = new int[voxels];
        var column = new float[channels];
        for (int v = 0; v < voxels; v++)
        {
            for (int c = 0; c < channels; c++)
            {
                column[c] = scores[(c * voxels) + v];
            }

            if (singleForeground)
            {
                float p = alreadyProbabilities ? column[0] : 1 / (1 + MathF.Exp(-column[0]));
                (probabilities[0][v], probabilities[1][v]) = (1 - p, p);
            }
            else
            {
                // Softmax over the classes in place: no array per voxel (a 3D output has millions).
                float max = alreadyProbabilities ? 0 : column.Max();
                double sum = 0;
                for (int c = 0; c < classes; c++)
                {
                    probabilities[c][v] = alreadyProbabilities ? column[c] : MathF.Exp(column[c] - max);
                    sum += probabilities[c][v];
                }

                for (int c = 0; c < classes && !alreadyProbabilities; c++)
                {
                    probabilities[c][v] = (float)(probabilities[c][v] / sum);
                }
            }

            labels[v] = ArgMax(probabilities, v);
        }

        return new SegmentedItem(item, probabilities, labels, spatial);
    }

    /// <summary>The class with the highest probability at voxel <paramref name="v"/> (the first on ties).</summary>
    /// <param name="probabilities">Class-major probabilities.</param>
    /// <param name="v">The voxel.</param>
    public static int ArgMax(float[][] probabilities, int v)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        int best = 0;
        for (int c = 1; c < probabilities.Length; c++)
        {
            if (probabilities[c][v] > probabilities[best][v])
            {
                best = c;
            }
        }

        return best;
    }
}

/// <summary>The segmentations of a batch.</summary>
/// <param name="Items">One per input, in input order.</param>
/// <param name="ClassNames">The class names, label order (label 0 first).</param>
public sealed record SegmentationResult(IReadOnlyList<SegmentedItem> Items, IReadOnlyList<string> ClassNames);

/// <summary>What an explanation of a segmentation explains: the predicted region of one class.</summary>
public static class SegmentationTarget
{
    /// <summary>The class with the largest predicted region other than the background (label 0), or 0 when the model
    /// predicts background everywhere.</summary>
    /// <param name="item">The segmentation.</param>
    public static int LargestForeground(SegmentedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        int[] counts = new int[item.Probabilities.Length];
        foreach (int label in item.Labels)
        {
            counts[label]++;
        }

        int best = 0;
        for (int c = 1; c < counts.Length; c++)
        {
            if (counts[c] > 0 && (best == 0 || counts[c] > counts[best]))
            {
                best = c;
            }
        }

        return best;
    }

    /// <summary>The mask over the model's output whose Σ mask ⊙ output an attribution explains: 1 on channel
    /// <paramref name="classIndex"/> at the voxels labelled with it. A single-channel (sigmoid) output explains its
    /// foreground logit, or the background's (−1 at background voxels: σ(−z) = 1 − σ(z)).</summary>
    /// <param name="item">The segmentation.</param>
    /// <param name="outputChannels">The output's channels.</param>
    /// <param name="classIndex">The class.</param>
    /// <exception cref="MedExplainInputException">The class has no predicted voxel: there is no region to explain.</exception>
    public static FloatTensor PredictedRegion(SegmentedItem item, int outputChannels, int classIndex)
    {
        ArgumentNullException.ThrowIfNull(item);
        int voxels = item.Labels.Length;
        if (classIndex < 0 || classIndex >= item.Probabilities.Length)
        {
            throw new MedExplainParameterException("target", $"class {classIndex} is not one of the model's {item.Probabilities.Length} classes.");
        }

        var mask = new FloatTensor([1, outputChannels, .. item.SpatialShape]);
        int channel = outputChannels == 1 ? 0 : classIndex;
        float weight = outputChannels == 1 && classIndex == 0 ? -1 : 1;
        int found = 0;
        for (int v = 0; v < voxels; v++)
        {
            if (item.Labels[v] == classIndex)
            {
                mask.Data[(channel * voxels) + v] = weight;
                found++;
            }
        }

        return found > 0 ? mask : throw new MedExplainParameterException("target", $"the model predicts no voxel of class {classIndex}, so it has no region to explain.");
    }

    /// <summary>A classification-style summary of class <paramref name="classIndex"/>'s predicted region: each class's
    /// mean probability over that region (they sum to 1), and the class itself as the prediction.</summary>
    /// <param name="item">The segmentation.</param>
    /// <param name="classIndex">The class whose region is explained.</param>
    /// <param name="classNames">The class names.</param>
    public static ClassPrediction RegionSummary(SegmentedItem item, int classIndex, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(classNames);
        int[] region = [.. Enumerable.Range(0, item.Labels.Length).Where(v => item.Labels[v] == classIndex)];
        float[] means = [.. item.Probabilities.Select(p => region.Length == 0 ? 0f : (float)region.Average(v => p[v]))];
        return new ClassPrediction(item.Item, means, means, classIndex, classNames[classIndex]);
    }
}
