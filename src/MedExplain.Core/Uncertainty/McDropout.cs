using Google.Protobuf;
using MedExplain.Onnx;
using MedExplain.Prediction;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MedExplain.Uncertainty;

/// <summary>
/// Monte Carlo dropout on an exported model, by graph surgery: the activation at a named tensor is multiplied by a mask
/// that is a second graph input, so every sample's dropout pattern comes from a seeded generator here rather than from
/// the runtime's training mode: deterministic, and the same on any runtime. Masks keep each value with probability
/// 1 − p and scale kept values by 1/(1 − p), as inverted dropout does, so the expected activation is unchanged.
/// </summary>
public sealed class McDropout : IDisposable
{
    /// <summary>The mask input's name in the rewritten graph.</summary>
    public const string MaskInput = "medexplain_dropout_mask";

    private readonly OnnxModel _model;
    private readonly InferenceSession _session;
    private readonly (InferenceSession Body, InferenceSession Head)? _split;
    private readonly string _tensor;
    private readonly int[] _maskShape;

    private McDropout(OnnxModel model, InferenceSession session, (InferenceSession Body, InferenceSession Head)? split, string tensor, double rate, int[] maskShape)
    {
        _model = model;
        _session = session;
        _split = split;
        _tensor = tensor;
        Rate = rate;
        _maskShape = maskShape;
    }

    /// <summary>Gets a value indicating whether only the part of the model after the dropout runs per sample: the score
    /// depends on the input only through the dropped tensor, so the body runs once.</summary>
    public bool RunsHeadOnly => _split is not null;

    /// <summary>Gets the dropout probability.</summary>
    public double Rate { get; }

    /// <summary>Rewrites a model with dropout at a tensor (often the pooled features before the classifier head).</summary>
    /// <param name="model">The model; not changed.</param>
    /// <param name="tensor">The tensor whose values are dropped: a node's output, or a node's name (its first output).</param>
    /// <param name="rate">The dropout probability, from 0 to below 1.</param>
    /// <param name="inputShape">The model input's shape for one item (1, C, spatial…), to size the mask.</param>
    /// <param name="headOnly">Run the body once and only the head per sample when the cut allows (false: every sample
    /// runs the whole model, for comparison).</param>
    /// <exception cref="MedExplainParameterException">The rate is out of range, or the tensor is the model's input.</exception>
    /// <exception cref="UnknownNameException">No node makes that tensor.</exception>
    public static McDropout At(OnnxModel model, string tensor, double rate, int[] inputShape, bool headOnly = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tensor);
        if (rate is < 0 or >= 1 || double.IsNaN(rate))
        {
            throw new MedExplainParameterException("dropout-rate", $"must be a probability from 0 to below 1, not {rate}.");
        }

        tensor = Concepts.LayerProbe.Resolve(model, tensor);
        if (tensor == model.ImageInput.Name)
        {
            throw new MedExplainParameterException("dropout-at", $"names the model's input '{tensor}'; dropout goes on an inner activation (often the pooled features before the head).");
        }

        int[] maskShape = model.ProbeShapes(inputShape).Shapes[tensor][1..];
        ModelProto rewritten = model.Proto.Clone();
        GraphProto graph = rewritten.Graph;
        string dropped = tensor + "/medexplain_dropout";
        Rewire(graph.Node, tensor, dropped);

        foreach (ValueInfoProto output in graph.Output.Where(o => o.Name == tensor))
        {
            output.Name = dropped;
        }

        int producer = graph.Node.ToList().FindIndex(n => n.Output.Contains(tensor));
        graph.Node.Insert(producer + 1, new NodeProto { OpType = "Mul", Name = "medexplain_dropout", Input = { tensor, MaskInput }, Output = { dropped } });
        graph.Input.Add(Batched(MaskInput, maskShape));
        using SessionOptions options = RuntimeSessionOptions.For(model.FilePath, model.Runtime);
        (InferenceSession, InferenceSession)? split = headOnly && Head(model, tensor, maskShape) is { } head
            ? (new InferenceSession(Body(model, tensor).ToByteArray(), options), new InferenceSession(head.ToByteArray(), options))
            : null;
        return new McDropout(model, new InferenceSession(rewritten.ToByteArray(), options), split, tensor, rate, maskShape);
    }

    /// <summary>The model with the dropped tensor as its only output.</summary>
    private static ModelProto Body(OnnxModel model, string tensor)
    {
        ModelProto body = model.Proto.Clone();
        body.Graph.Output.Clear();
        body.Graph.Output.Add(new ValueInfoProto { Name = tensor });
        return body;
    }

    /// <summary>The nodes from the dropped tensor to the score as a model of (tensor, mask), or null when the score also
    /// depends on the input some other way (a skip connection around the cut).</summary>
    private static ModelProto? Head(OnnxModel model, string tensor, int[] maskShape)
    {
        GraphProto graph = model.Proto.Graph;
        var producers = new Dictionary<string, NodeProto>();
        foreach (NodeProto node in graph.Node)
        {
            foreach (string output in node.Output)
            {
                producers[output] = node;
            }
        }

        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet();
        var needed = new HashSet<NodeProto>();
        var pending = new Stack<string>([model.ScoreOutput.Name]);
        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (name.Length == 0 || name == tensor || initializers.Contains(name))
            {
                continue;
            }

            if (!producers.TryGetValue(name, out NodeProto? node))
            {
                return null; // a graph input reached without passing the cut
            }

            if (needed.Add(node))
            {
                node.Input.ToList().ForEach(pending.Push);
            }
        }

        var head = new ModelProto { IrVersion = model.Proto.IrVersion, Graph = new GraphProto { Name = "medexplain_dropout_head" } };
        head.OpsetImport.AddRange(model.Proto.OpsetImport);
        string dropped = tensor + "/medexplain_dropout";
        head.Graph.Node.Add(new NodeProto { OpType = "Mul", Name = "medexplain_dropout", Input = { tensor, MaskInput }, Output = { dropped } });
        NodeProto[] copies = [.. graph.Node.Where(needed.Contains).Select(n => n.Clone())];
        Rewire(copies, tensor, dropped);
        head.Graph.Node.AddRange(copies);

        var used = needed.SelectMany(n => n.Input).ToHashSet();
        head.Graph.Initializer.AddRange(graph.Initializer.Where(i => used.Contains(i.Name)));
        head.Graph.Input.Add(Batched(tensor, maskShape));
        head.Graph.Input.Add(Batched(MaskInput, maskShape));
        head.Graph.Output.Add(new ValueInfoProto { Name = model.ScoreOutput.Name });
        return head;
    }

    /// <summary>Makes every node that reads <paramref name="from"/> read <paramref name="to"/> instead.</summary>
    private static void Rewire(IEnumerable<NodeProto> nodes, string from, string to)
    {
        foreach (NodeProto node in nodes)
        {
            for (int i = 0; i < node.Input.Count; i++)
            {
                node.Input[i] = node.Input[i] == from ? to : node.Input[i];
            }
        }
    }

    private static ValueInfoProto Batched(string name, int[] shape)
    {
        var dims = new TensorShapeProto();
        dims.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        dims.Dim.AddRange(shape.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = dims } } };
    }

    /// <summary>The masks of <paramref name="samples"/> samples: keep with probability 1 − rate, kept values scaled by
    /// 1/(1 − rate); drawn in order from a generator seeded with <paramref name="seed"/>.</summary>
    /// <param name="samples">How many.</param>
    /// <param name="features">Values per mask.</param>
    /// <param name="rate">The dropout probability.</param>
    /// <param name="seed">The seed.</param>
    public static float[] Masks(int samples, int features, double rate, int seed) => Draw(new Random(seed), samples, features, rate);

    /// <summary>Predicts one input under <paramref name="samples"/> dropout masks, in batches sized by the memory budget;
    /// the masks are drawn in sample order, so the batching never changes the numbers.</summary>
    /// <param name="input">One model input (1, C, spatial…).</param>
    /// <param name="samples">How many samples (2 to 1000).</param>
    /// <param name="seed">Seeds the masks: the same seed gives the same samples.</param>
    /// <param name="maxMemoryBytes">The memory the batches may take.</param>
    /// <returns>The uncertainty, and each sample's class probabilities.</returns>
    public (PredictiveUncertainty Uncertainty, float[][] Probabilities) Predict(FloatTensor input, int samples, int seed, long maxMemoryBytes = PredictorOptions.DefaultMemoryBudgetBytes)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (samples is < 2 or > 1000 || input.BatchSize != 1)
        {
            throw new MedExplainParameterException("samples", $"need 2 to 1000 samples of one input, not {samples} of a batch of {input.BatchSize}.");
        }

        int features = (int)FloatTensor.ElementCount(_maskShape);
        float[]? activation = null;
        if (_split is { } split)
        {
            using OrtValue one = OrtValue.CreateTensorValueFromMemory(input.Data, Array.ConvertAll(input.Shape, d => (long)d));
            using var bodyRun = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> body = split.Body.Run(bodyRun, [_model.ImageInput.Name], [one], [_tensor]);
            activation = body[0].GetTensorDataAsSpan<float>().ToArray();
        }

        // Per sample the head needs the activation and a mask; the whole model needs the input and its activations.
        long perItem = activation is null ? _model.ProbeShapes(input.Shape).ActivationBytes + ((input.ItemSize + features) * (long)sizeof(float)) : 4L * features * sizeof(float);
        int chunk = Batching.MemoryBudget.Plan(samples, perItem, maxMemoryBytes, activation is null ? _model.FixedBatchSize : null).BatchSize;
        var rng = new Random(seed);
        bool probabilities = _model.Card?.OutputIsProbabilities ?? false;
        var perSample = new List<float[]>(samples);
        for (int start = 0; start < samples; start += chunk)
        {
            int count = Math.Min(chunk, samples - start);
            (float[] values, int[] shape, string name) = activation is null
                ? (Repeat(input.Data, count), (int[])[count, .. input.Shape[1..]], _model.ImageInput.Name)
                : (Repeat(activation, count), (int[])[count, .. _maskShape], _tensor);
            using OrtValue first = OrtValue.CreateTensorValueFromMemory(values, Array.ConvertAll(shape, d => (long)d));
            using OrtValue mask = OrtValue.CreateTensorValueFromMemory(Draw(rng, count, features, Rate), [count, .. Array.ConvertAll(_maskShape, d => (long)d)]);
            using var run = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> results = (_split?.Head ?? _session).Run(run, [name, MaskInput], [first, mask], [_model.ScoreOutput.Name]);
            float[] scores = results[0].GetTensorDataAsSpan<float>().ToArray();
            int classes = scores.Length / count;
            perSample.AddRange(Enumerable.Range(0, count).Select(s => probabilities ? scores[(s * classes)..((s + 1) * classes)] : Softmax.Of(scores.AsSpan(s * classes, classes))));
        }

        return (PredictiveUncertainty.Of(perSample), [.. perSample]);
    }

    private static float[] Repeat(float[] item, int count)
    {
        var values = new float[(long)item.Length * count];
        for (int s = 0; s < count; s++)
        {
            item.CopyTo(values, (long)s * item.Length);
        }

        return values;
    }

    private static float[] Draw(Random rng, int samples, int features, double rate)
    {
        float keep = (float)(1 / (1 - rate));
        var masks = new float[(long)samples * features];
        for (int i = 0; i < masks.Length; i++)
        {
            masks[i] = rng.NextDouble() >= rate ? keep : 0;
        }

        return masks;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _session.Dispose();
        _split?.Body.Dispose();
        _split?.Head.Dispose();
    }
}
