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
        ArgumentNullException.ThrowIfNull(inputs);
        var activations = new float[inputs.BatchSize][];
        var gradients = new float[inputs.BatchSize][];
        var scores = new float[inputs.BatchSize];
        Stream(
            model,
            inputs.Shape[1..],
            inputs.BatchSize,
            (item, destination) => inputs.Item(item).CopyTo(destination),
            layer,
            targetClass,
            pooling,
            (item, activation, gradient, score) =>
            {
                activations[item] = activation.ToArray();
                gradients[item] = gradient.ToArray();
                scores[item] = score;
            },
            options,
            progress);
        return new LayerSamples(activations, gradients, scores);
    }

    /// <summary>Probes a layer item by item, never holding more than one batch: for sets too large to keep in memory.</summary>
    /// <param name="model">The model.</param>
    /// <param name="itemShape">One input's shape (C, spatial…).</param>
    /// <param name="count">How many inputs.</param>
    /// <param name="fill">Writes input k, model-ready.</param>
    /// <param name="layer">A tensor of the model, or the model's input itself.</param>
    /// <param name="targetClass">The class whose logit is differentiated.</param>
    /// <param name="pooling">How activations become vectors.</param>
    /// <param name="consume">Receives each input's pooled activation, gradient and logit (the spans are reused).</param>
    /// <param name="options">Memory budget and output name; null for the defaults.</param>
    /// <param name="progress">Receives progress, or null.</param>
    /// <exception cref="UnknownNameException">The model has no tensor of that name.</exception>
    /// <exception cref="MedExplainParameterException">The class is not one of the output's.</exception>
    public static void Stream(OnnxModel model, int[] itemShape, int count, Action<int, Span<float>> fill, string layer, int targetClass, LayerPooling pooling, SampleConsumer consume, AttributionOptions? options = null, IProgress<BatchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(itemShape);
        ArgumentNullException.ThrowIfNull(fill);
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(consume);
        options ??= new AttributionOptions();
        options.Validate();
        layer = Resolve(model, layer);
        bool atInput = layer == model.ImageInput.Name;
        int[] layerShape = LayerShape(model, itemShape, layer);
        IReadOnlyDictionary<string, int[]> shapes = model.ProbeShapes([1, .. itemShape]).Shapes;
        int classes = shapes[options.OutputName ?? model.ScoreOutput.Name][1];
        if (targetClass < 0 || targetClass >= classes)
        {
            throw new MedExplainParameterException("target", $"must be a class from 0 to {classes - 1}, not {targetClass}.");
        }

        int channels = layerShape[0], positions = (int)(FloatTensor.ElementCount(layerShape) / channels);
        var input = new float[FloatTensor.ElementCount(itemShape)];
        new GradientPass(model, RuleSet.Gradient, options).Run(
            itemShape,
            count,
            atInput ? null : layer,
            fill,
            (item, seed) => seed[targetClass] = 1,
            (item, signal, activation, score) =>
            {
                if (atInput)
                {
                    fill(item, input);
                    activation = input;
                }

                consume(item, Pool(activation, channels, positions, pooling, mean: true), Pool(signal, channels, positions, pooling, mean: false), score);
            },
            progress,
            CancellationToken.None);
    }

    /// <summary>The length of a layer's pooled vectors.</summary>
    /// <param name="model">The model.</param>
    /// <param name="itemShape">One input's shape (C, spatial…).</param>
    /// <param name="layer">A tensor of the model, or the model's input itself.</param>
    /// <param name="pooling">How activations become vectors.</param>
    /// <exception cref="UnknownNameException">The model has no tensor of that name.</exception>
    public static int PooledLength(OnnxModel model, int[] itemShape, string layer, LayerPooling pooling)
    {
        ArgumentNullException.ThrowIfNull(model);
        int[] shape = LayerShape(model, itemShape, Resolve(model, layer));
        return pooling == LayerPooling.Flatten ? (int)FloatTensor.ElementCount(shape) : shape[0];
    }

    /// <summary>The tensor a layer name means: a tensor of the graph, the model's input, or a node's name (its first
    /// output, so the names <c>inspect</c> lists work too).</summary>
    /// <param name="model">The model.</param>
    /// <param name="layer">The name.</param>
    /// <exception cref="UnknownNameException">No tensor or node has that name; the hint names the nearest.</exception>
    public static string Resolve(OnnxModel model, string layer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(layer);
        var nodes = model.Proto.Graph.Node;
        if (layer == model.ImageInput.Name || nodes.Any(n => n.Output.Contains(layer)))
        {
            return layer;
        }

        return nodes.FirstOrDefault(n => n.Name == layer && n.Output.Count > 0)?.Output[0]
            ?? throw new UnknownNameException(model.FilePath, "tensor", layer) { Hint = NameSuggestion.For(layer, nodes.SelectMany(n => n.Output).Concat(nodes.Select(n => n.Name))).Trim() };
    }

    /// <summary>One input's pooled activation at the layer, the class logit's gradient there, and the logit.</summary>
    /// <param name="item">The input's index.</param>
    /// <param name="activation">The pooled activation.</param>
    /// <param name="gradient">d logit / d pooled activation.</param>
    /// <param name="score">The class's logit.</param>
    public delegate void SampleConsumer(int item, ReadOnlySpan<float> activation, ReadOnlySpan<float> gradient, float score);

    private static int[] LayerShape(OnnxModel model, int[] itemShape, string layer) =>
        layer == model.ImageInput.Name
            ? itemShape
            : (model.ProbeShapes([1, .. itemShape]).Shapes.GetValueOrDefault(layer) ?? throw new UnknownNameException(model.FilePath, "tensor", layer))[1..];

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
