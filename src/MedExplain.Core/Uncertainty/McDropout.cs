using Google.Protobuf;
using MedExplain.Onnx;
using MedExplain.Prediction;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MedExplain.Uncertainty;

/// <summary>
/// Monte Carlo dropout on an exported model, by graph surgery: at each dropout site the activation is multiplied by a
/// mask that is a graph input, so every sample's dropout pattern comes from a seeded generator here rather than from the
/// runtime's training mode: deterministic, and the same on any runtime. Masks keep each value with probability 1 − p
/// and scale kept values by 1/(1 − p), as inverted dropout does, so the expected activation is unchanged. The sites are
/// a tensor named by the caller, or the model's own Dropout nodes (kept by a training-mode export).
/// </summary>
public sealed class McDropout : IDisposable
{
    /// <summary>The mask input's name in the rewritten graph (the first site's; later sites add _1, _2, …).</summary>
    public const string MaskInput = "medexplain_dropout_mask";

    private readonly OnnxModel _model;
    private readonly InferenceSession _session;
    private readonly (InferenceSession Body, InferenceSession Head)? _split;
    private readonly string _cut;
    private readonly IReadOnlyList<Site> _sites;

    private McDropout(OnnxModel model, InferenceSession session, (InferenceSession Body, InferenceSession Head)? split, string cut, IReadOnlyList<Site> sites)
    {
        _model = model;
        _session = session;
        _split = split;
        _cut = cut;
        _sites = sites;
    }

    /// <summary>Gets a value indicating whether only the part of the model after the dropout runs per sample: the score
    /// depends on the input only through the first dropped tensor, so the body runs once.</summary>
    public bool RunsHeadOnly => _split is not null;

    /// <summary>Gets the dropout probability (of the first site).</summary>
    public double Rate => _sites[0].Rate;

    /// <summary>Gets each site's dropped tensor and probability, in graph order.</summary>
    public IReadOnlyList<(string Tensor, double Rate)> Sites => [.. _sites.Select(s => (s.Tensor, s.Rate))];

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
        CheckRate(rate, "dropout-rate");
        tensor = Concepts.LayerProbe.Resolve(model, tensor);
        if (tensor == model.ImageInput.Name)
        {
            throw new MedExplainParameterException("dropout-at", $"names the model's input '{tensor}'; dropout goes on an inner activation (often the pooled features before the head).");
        }

        var site = new Site(tensor, MaskInput, model.ProbeShapes(inputShape).Shapes[tensor][1..], rate);
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
        graph.Input.Add(Batched(MaskInput, site.Shape));
        return Build(model, rewritten, [site], headOnly);
    }

    /// <summary>Rewrites a model's own Dropout nodes (kept by a training-mode export, or by converters that keep them
    /// for inference) into multiplications by seeded masks, each with the node's own probability unless
    /// <paramref name="rate"/> overrides it.</summary>
    /// <param name="model">The model; not changed.</param>
    /// <param name="inputShape">The model input's shape for one item (1, C, spatial…), to size the masks.</param>
    /// <param name="rate">A probability for every site instead of each node's own, or null.</param>
    /// <param name="headOnly">As for <see cref="At"/>.</param>
    /// <exception cref="MedExplainInputException">The model has no Dropout node.</exception>
    public static McDropout AtDropoutNodes(OnnxModel model, int[] inputShape, double? rate = null, bool headOnly = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (rate is { } given)
        {
            CheckRate(given, "dropout-rate");
        }

        IReadOnlyDictionary<string, int[]> shapes = model.ProbeShapes(inputShape).Shapes;
        ModelProto rewritten = model.Proto.Clone();
        GraphProto graph = rewritten.Graph;
        var sites = new List<Site>();
        for (int i = 0; i < graph.Node.Count; i++)
        {
            NodeProto node = graph.Node[i];
            if (node.OpType != "Dropout")
            {
                continue;
            }

            double p = rate ?? NodeRate(model, node);
            var site = new Site(node.Input[0], sites.Count == 0 ? MaskInput : $"{MaskInput}_{sites.Count}", shapes[node.Input[0]][1..], p);
            sites.Add(site);
            graph.Node[i] = new NodeProto { OpType = "Mul", Name = node.Name + "/medexplain_dropout", Input = { site.Tensor, site.Mask }, Output = { node.Output[0] } };
            graph.Input.Add(Batched(site.Mask, site.Shape));
        }

        return sites.Count == 0
            ? throw new MedExplainInputException(model.FilePath, "has no Dropout node (an eval-mode export removes them); name the tensor to insert dropout at, often the pooled features before the classifier head.")
            : Build(model, rewritten, sites, headOnly);
    }

    private static McDropout Build(OnnxModel model, ModelProto rewritten, IReadOnlyList<Site> sites, bool headOnly)
    {
        // The body runs once up to the first site's tensor when nothing after it reads the input another way.
        string cut = sites[0].Tensor;
        using SessionOptions options = RuntimeSessionOptions.For(model.FilePath, model.Runtime);
        (InferenceSession, InferenceSession)? split = headOnly && Head(model, rewritten, cut, sites) is { } head
            ? (new InferenceSession(Body(model, cut).ToByteArray(), options), new InferenceSession(head.ToByteArray(), options))
            : null;
        return new McDropout(model, new InferenceSession(rewritten.ToByteArray(), options), split, cut, sites);
    }

    private static void CheckRate(double rate, string parameter)
    {
        if (rate is < 0 or >= 1 || double.IsNaN(rate))
        {
            throw new MedExplainParameterException(parameter, $"must be a probability from 0 to below 1, not {rate}.");
        }
    }

    /// <summary>A Dropout node's probability: its ratio input from opset 12, its ratio attribute before; 0.5 by default.</summary>
    private static double NodeRate(OnnxModel model, NodeProto node)
    {
        if (node.Input.Count > 1 && node.Input[1].Length > 0)
        {
            return model.Graph.Constant(node.Input[1]) is { } ratio ? GraphIndex.ReadFloats(ratio)[0]
                : throw new MedExplainInputException(model.FilePath, $"Dropout '{node.Name}' takes its ratio from a computed tensor; give the rate explicitly.");
        }

        return node.Attribute.FirstOrDefault(a => a.Name == "ratio")?.F ?? 0.5;
    }

    /// <summary>The model with the dropped tensor as its only output.</summary>
    private static ModelProto Body(OnnxModel model, string tensor)
    {
        ModelProto body = model.Proto.Clone();
        body.Graph.Output.Clear();
        body.Graph.Output.Add(new ValueInfoProto { Name = tensor });
        return body;
    }

    /// <summary>The nodes of the rewritten graph from the cut to the score, as a model of (cut tensor, masks…), or null
    /// when the score also depends on the input some other way (a skip connection around the cut).</summary>
    private static ModelProto? Head(OnnxModel model, ModelProto rewritten, string cut, IReadOnlyList<Site> sites)
    {
        GraphProto graph = rewritten.Graph;
        var producers = new Dictionary<string, NodeProto>();
        foreach (NodeProto node in graph.Node)
        {
            foreach (string output in node.Output)
            {
                producers[output] = node;
            }
        }

        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet();
        var masks = sites.Select(s => s.Mask).ToHashSet();
        var needed = new HashSet<NodeProto>();
        var pending = new Stack<string>([model.ScoreOutput.Name]);
        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (name.Length == 0 || name == cut || initializers.Contains(name) || masks.Contains(name))
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

        var head = new ModelProto { IrVersion = rewritten.IrVersion, Graph = new GraphProto { Name = "medexplain_dropout_head" } };
        head.OpsetImport.AddRange(rewritten.OpsetImport);
        head.Graph.Node.AddRange(graph.Node.Where(needed.Contains).Select(n => n.Clone()));
        var used = needed.SelectMany(n => n.Input).ToHashSet();
        head.Graph.Initializer.AddRange(graph.Initializer.Where(i => used.Contains(i.Name)));
        head.Graph.Input.Add(Batched(cut, sites[0].Shape));
        head.Graph.Input.AddRange(sites.Select(s => Batched(s.Mask, s.Shape)));
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
        bool probabilities = _model.Card?.OutputIsProbabilities ?? false;
        var perSample = new List<float[]>(samples);
        Run(input, samples, seed, maxMemoryBytes, (_, scores) => perSample.Add(probabilities ? scores.ToArray() : Softmax.Of(scores)));
        return (PredictiveUncertainty.Of(perSample), [.. perSample]);
    }

    /// <summary>Runs one input under <paramref name="samples"/> dropout masks and hands each sample's score output (one
    /// item's worth: class scores, or a segmentation's scores per class and voxel) to <paramref name="consume"/>, in
    /// sample order; as <see cref="Predict"/> for the rest.</summary>
    /// <param name="input">One model input (1, C, spatial…).</param>
    /// <param name="samples">How many samples (2 to 1000).</param>
    /// <param name="seed">Seeds the masks.</param>
    /// <param name="maxMemoryBytes">The memory the batches may take.</param>
    /// <param name="consume">Receives the sample's index and its scores.</param>
    public void Run(FloatTensor input, int samples, int seed, long maxMemoryBytes, Action<int, ReadOnlySpan<float>> consume)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(consume);
        if (samples is < 2 or > 1000 || input.BatchSize != 1)
        {
            throw new MedExplainParameterException("samples", $"need 2 to 1000 samples of one input, not {samples} of a batch of {input.BatchSize}.");
        }

        float[]? activation = null;
        if (_split is { } split)
        {
            using OrtValue one = OrtValue.CreateTensorValueFromMemory(input.Data, Array.ConvertAll(input.Shape, d => (long)d));
            using var bodyRun = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> body = split.Body.Run(bodyRun, [_model.ImageInput.Name], [one], [_cut]);
            activation = body[0].GetTensorDataAsSpan<float>().ToArray();
        }

        // Per sample the head needs the activation and the masks; the whole model needs the input and its activations.
        long maskBytes = _sites.Sum(s => (long)s.Features) * sizeof(float);
        long perItem = activation is null ? _model.ProbeShapes(input.Shape).ActivationBytes + (input.ItemSize * (long)sizeof(float)) + maskBytes : 4L * ((activation.Length * sizeof(float)) + maskBytes);
        int chunk = Batching.MemoryBudget.Plan(samples, perItem, maxMemoryBytes, activation is null ? _model.FixedBatchSize : null).BatchSize;
        var rng = new Random(seed);
        for (int start = 0; start < samples; start += chunk)
        {
            int count = Math.Min(chunk, samples - start);
            (float[] data, int[] shape, string name) = activation is null
                ? (Repeat(input.Data, count), (int[])[count, .. input.Shape[1..]], _model.ImageInput.Name)
                : (Repeat(activation, count), (int[])[count, .. _sites[0].Shape], _cut);
            float[][] masks = Draw(rng, count, _sites);
            var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(data, Array.ConvertAll(shape, d => (long)d)) };
            values.AddRange(_sites.Select((site, k) => OrtValue.CreateTensorValueFromMemory(masks[k], [count, .. Array.ConvertAll(site.Shape, d => (long)d)])));
            try
            {
                using var run = new RunOptions();
                using IDisposableReadOnlyCollection<OrtValue> results = (_split?.Head ?? _session).Run(run, [name, .. _sites.Select(s => s.Mask)], values, [_model.ScoreOutput.Name]);
                ReadOnlySpan<float> scores = results[0].GetTensorDataAsSpan<float>();
                int perSample = scores.Length / count;
                for (int s = 0; s < count; s++)
                {
                    consume(start + s, scores.Slice(s * perSample, perSample));
                }
            }
            finally
            {
                values.ForEach(v => v.Dispose());
            }
        }
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

    private static float[] Draw(Random rng, int samples, int features, double rate) => Draw(rng, samples, [new Site(string.Empty, string.Empty, [features], rate)])[0];

    /// <summary>Each site's masks for <paramref name="samples"/> samples, drawn sample by sample (each sample's sites in
    /// order), so the split into batches never changes which values a sample gets.</summary>
    private static float[][] Draw(Random rng, int samples, IReadOnlyList<Site> sites)
    {
        float[][] masks = [.. sites.Select(s => new float[(long)samples * s.Features])];
        for (int sample = 0; sample < samples; sample++)
        {
            for (int k = 0; k < sites.Count; k++)
            {
                float keep = (float)(1 / (1 - sites[k].Rate));
                Span<float> mask = masks[k].AsSpan(sample * sites[k].Features, sites[k].Features);
                for (int i = 0; i < mask.Length; i++)
                {
                    mask[i] = rng.NextDouble() >= sites[k].Rate ? keep : 0;
                }
            }
        }

        return masks;
    }

    /// <summary>A dropout site: the dropped tensor, its mask input, one item's shape and the probability.</summary>
    private sealed record Site(string Tensor, string Mask, int[] Shape, double Rate)
    {
        public int Features => (int)FloatTensor.ElementCount(Shape);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _session.Dispose();
        _split?.Body.Dispose();
        _split?.Head.Dispose();
    }
}
