using MedExplain.Batching;
using MedExplain.Methods;
using MedExplain.Methods.Gradient;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;

namespace MedExplain.Concepts;

/// <summary>How a layer's activation becomes one vector per input.</summary>
public enum LayerPooling
{
    /// <summary>Every value of the activation (TCAV's choice for 2D classifiers).</summary>
    Flatten,

    /// <summary>One value per channel, the mean over positions (for volumes, variable sizes and segmentation models).</summary>
    SpatialMean,
}

/// <summary>Each input's pooled activation at one layer, the gradient of the target class's logit with respect to that
/// pooled activation, and the logit.</summary>
/// <param name="Activations">One vector per input.</param>
/// <param name="Gradients">One vector per input, the same length: d logit / d pooled activation.</param>
/// <param name="Scores">The target class's logit per input.</param>
public sealed record LayerSamples(float[][] Activations, float[][] Gradients, float[] Scores);

/// <summary>
/// Reads a layer of any ONNX model: its activation on each input and the gradient of a class's logit (never a loss)
/// with respect to it, from the compiled backward graph, in memory-budgeted batches. With
/// <see cref="LayerPooling.SpatialMean"/> the gradient is the derivative along a change of the channel means made by
/// moving every position alike: the sum of the positions' gradients.
/// </summary>
public static class LayerProbe
{
    /// <summary>Probes a layer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="inputs">The inputs, model-ready (N, C, spatial…).</param>
    /// <param name="layer">A tensor of the model (see <c>inspect</c>), or the model's input itself.</param>
    /// <param name="targetClass">The class whose logit is differentiated.</param>
    /// <param name="pooling">How activations become vectors.</param>
    /// <param name="options">Memory budget and output name; null for the defaults.</param>
    /// <param name="progress">Receives progress, or null.</param>
    /// <exception cref="UnknownNameException">The model has no tensor of that name.</exception>
    /// <exception cref="MedExplainParameterException">The class is not one of the output's.</exception>
    public static LayerSamples Run(OnnxModel model, FloatTensor inputs, string layer, int targetClass, LayerPooling pooling, AttributionOptions? options = null, IProgress<BatchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(layer);
        options ??= new AttributionOptions();
        options.Validate();
        int[] itemShape = inputs.Shape[1..];
        bool atInput = layer == model.ImageInput.Name;
        IReadOnlyDictionary<string, int[]> shapes = model.ProbeShapes(inputs.Shape).Shapes;
        int[] layerShape = atInput ? itemShape : (shapes.GetValueOrDefault(layer) ?? throw new UnknownNameException(model.FilePath, "tensor", layer))[1..];
        int classes = shapes[options.OutputName ?? model.ScoreOutput.Name][1];
        if (targetClass < 0 || targetClass >= classes)
        {
            throw new MedExplainParameterException("target", $"must be a class from 0 to {classes - 1}, not {targetClass}.");
        }

        int channels = layerShape[0], positions = (int)(FloatTensor.ElementCount(layerShape) / channels);
        var activations = new float[inputs.BatchSize][];
        var gradients = new float[inputs.BatchSize][];
        var scores = new float[inputs.BatchSize];
        new GradientPass(model, RuleSet.Gradient, options).Run(
            itemShape,
            inputs.BatchSize,
            atInput ? null : layer,
            (item, destination) => inputs.Item(item).CopyTo(destination),
            (item, seed) => seed[targetClass] = 1,
            (item, signal, activation, score) =>
            {
                ReadOnlySpan<float> value = atInput ? inputs.Item(item) : activation;
                activations[item] = Pool(value, channels, positions, pooling, mean: true);
                gradients[item] = Pool(signal, channels, positions, pooling, mean: false);
                scores[item] = score;
            },
            progress,
            CancellationToken.None);
        return new LayerSamples(activations, gradients, scores);
    }

    private static float[] Pool(ReadOnlySpan<float> values, int channels, int positions, LayerPooling pooling, bool mean)
    {
        if (pooling == LayerPooling.Flatten)
        {
            return values.ToArray();
        }

        var pooled = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            foreach (float v in values.Slice(c * positions, positions))
            {
                sum += v;
            }

            pooled[c] = (float)(mean ? sum / positions : sum);
        }

        return pooled;
    }
}
