using MedExplain.Batching;
using MedExplain.Concepts;
using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Onnx;

namespace MedExplain.Pipelines.Concepts;

/// <summary>
/// Tests a model's class against human concepts (TCAV, Kim et al. 2018) and continuous measures (regression concept
/// vectors, Graziani et al. 2020) at one or several layers. Every scan is prepared once; each layer is probed in
/// memory-budgeted batches and its activations and gradients go to temporary files, read back a training pair at a time,
/// so no layer's activations of the whole study are ever held in memory. The use case behind <c>medexplain concepts</c>.
/// </summary>
/// <param name="model">The model.</param>
/// <param name="settings">Layers, class, pooling, seed.</param>
/// <param name="progress">Gives each stage's progress receiver ("scans", "layer: NAME", "CAVs: NAME").</param>
public sealed class ConceptExperiment(OnnxModel model, ConceptSettings settings, Func<string, IProgress<BatchProgress>> progress)
{
    /// <summary>The share of a measure's scans each RCV repetition is fitted on.</summary>
    public const double RepeatFraction = 0.8;

    private readonly List<(string Scan, ConceptMaskUse Use, int Margin)> _items = [];
    private readonly Dictionary<(string, ConceptMaskUse, int), int> _index = [];

    /// <summary>Runs the study.</summary>
    /// <param name="study">Concepts, random pool, the class's examples and measures.</param>
    /// <exception cref="MedExplainInputException">A scan or mask cannot be read or made the model's input.</exception>
    /// <exception cref="MedExplainParameterException">The study or settings cannot be run (too few scans, no layer…).</exception>
    /// <exception cref="UnknownNameException">A layer is not a tensor of the model.</exception>
    public ConceptResults Run(ConceptStudy study)
    {
        ArgumentNullException.ThrowIfNull(study);
        study.Validate();
        Validate();
        _items.Clear();
        _index.Clear();
        int[][] concepts = [.. study.Concepts.Select(c => c.Images.Select(i => Add(i, c.MaskUse, c.Margin)).ToArray())];
        int[] pool = [.. study.RandomPool.Select(i => Add(i, ConceptMaskUse.None, 0))];
        int[][] randomSets = concepts.Length == 0 ? [] : [.. study.DrawRandomSets(settings.Seed).Select(set => set.Select(i => pool[i]).ToArray())];
        int[] examples = [.. study.Examples.Select(i => Add(i, ConceptMaskUse.None, 0))];
        int[][] measures = [.. study.Measures.Select(m => m.Images.Select(i => Add(i, ConceptMaskUse.None, 0)).ToArray())];

        (RowStore inputs, int[] itemShape) = PrepareAll();
        using (inputs)
        {
            var scores = new List<ConceptScore>();
            var baselines = new List<RandomBaseline>();
            var entanglements = new List<ConceptEntanglement>();
            var relevances = new List<MeasureRelevance>();
            var vectors = new List<LayerConceptVectors>();
            int[] tcavItems = [.. concepts.SelectMany(c => c).Concat(pool).Concat(examples).Distinct().Order()];
            int[] measureItems = [.. measures.SelectMany(m => m).Distinct().Order()];
            foreach (string layer in settings.Layers)
            {
                AttributionOptions probeOptions = WorkingMemory(layer, itemShape, concepts, study.RandomSetSize, examples.Length, measures);
                if (concepts.Length > 0)
                {
                    using Probed probed = Probe(inputs, itemShape, layer, settings.Pooling, tcavItems, probeOptions);
                    (RandomBaseline baseline, List<ConceptScore> layerScores, ConceptEntanglement entanglement, List<LayerConceptVectors> kept) = Tcav(study, layer, concepts, randomSets, probed.Activations, probed.Gradients.Read(examples));
                    baselines.Add(baseline);
                    vectors.AddRange(kept);
                    scores.AddRange(layerScores);
                    entanglements.Add(entanglement);
                }

                if (measures.Length > 0)
                {
                    using Probed probed = Probe(inputs, itemShape, layer, settings.MeasurePooling, measureItems, probeOptions);
                    relevances.AddRange(study.Measures.Select((m, n) => Rcv(m, layer, measures[n], probed, study.RandomSets, settings.Layers.Count * measures.Length)));
                }
            }

            return new ConceptResults(
                settings.TargetClass,
                ClassName(),
                settings,
                concepts.Length == 0 ? 0 : study.RandomSets,
                concepts.Length == 0 ? 0 : study.RandomSetSize,
                [.. study.Examples.Select(Path.GetFileName).OfType<string>()],
                scores,
                baselines,
                entanglements,
                relevances)
            {
                Vectors = vectors.Count == 0 ? null : new ConceptVectorSet(model.GraphHash, settings.TargetClass, ClassName(), settings.Pooling, vectors),
            };
        }
    }

    private string? ClassName() => model.Card?.ClassNames is { } names && settings.TargetClass < names.Count ? names[settings.TargetClass] : null;

    private void Validate()
    {
        if (settings.Layers.Count == 0 || settings.Layers.Distinct().Count() != settings.Layers.Count)
        {
            throw new MedExplainParameterException("layers", "needs one or more different layers (tensor names; see inspect).");
        }

        if (settings.Ridge is < 0 or > 1e12 || !double.IsFinite(settings.Ridge))
        {
            throw new MedExplainParameterException("ridge", $"must be a number from 0 to 1e12, not {settings.Ridge}.");
        }

        (settings.Options ?? new AttributionOptions()).Validate();
        foreach (string layer in settings.Layers)
        {
            LayerProbe.Resolve(model, layer);
        }
    }

    private int Add(string scan, ConceptMaskUse use, int margin)
    {
        var key = (scan, use, use == ConceptMaskUse.Crop ? margin : 0);
        if (!_index.TryGetValue(key, out int row))
        {
            row = _items.Count;
            _index[key] = row;
            _items.Add(key);
        }

        return row;
    }

    /// <summary>Makes every scan the model's input once, up front, so a broken file stops the run before any probing.</summary>
    private (RowStore Inputs, int[] ItemShape) PrepareAll()
    {
        IProgress<BatchProgress> bar = progress("scans");
        RowStore? store = null;
        int[] itemShape = [];
        try
        {
            for (int i = 0; i < _items.Count; i++)
            {
                (string scan, ConceptMaskUse use, int margin) = _items[i];
                string? mask = use == ConceptMaskUse.None ? null : ScanFolder.Companion(scan, Path.GetDirectoryName(scan)!, "-mask");
                FloatTensor input = ConceptInput.Prepare(scan, mask, model.InputSpec, use, margin);
                if (store is null)
                {
                    itemShape = input.Shape[1..];
                    store = new RowStore(input.ItemSize);
                }
                else if (!input.Shape.AsSpan(1).SequenceEqual(itemShape))
                {
                    throw new MedExplainInputException(scan, $"becomes an input of shape {FloatTensor.FormatShape(input.Shape)}, the other scans {FloatTensor.FormatShape([1, .. itemShape])}; a study's scans must give the model one shape.");
                }

                store.Write(i, input.Data);
                bar.Report(new BatchProgress(i + 1, _items.Count, i + 1));
            }

            return (store!, itemShape);
        }
        catch
        {
            store?.Dispose();
            throw;
        }
    }

    /// <summary>Probes one layer at the given scans (rows of the input store), keeping their pooled activations and
    /// gradients in temporary files under the scans' row numbers.</summary>
    private Probed Probe(RowStore inputs, int[] itemShape, string layer, LayerPooling pooling, int[] items, AttributionOptions options)
    {
        int length = LayerProbe.PooledLength(model, itemShape, layer, pooling);
        var probed = new Probed(new RowStore(length), new RowStore(length), new float[_items.Count]);
        try
        {
            LayerProbe.Stream(
                model, itemShape, items.Length, (k, destination) => inputs.ReadInto(items[k], destination), layer, settings.TargetClass, pooling,
                (k, activation, gradient, logit) =>
                {
                    probed.Activations.Write(items[k], activation);
                    probed.Gradients.Write(items[k], gradient);
                    probed.Logits[items[k]] = logit;
                },
                options,
                progress($"layer: {layer}"));
            return probed;
        }
        catch
        {
            probed.Dispose();
            throw;
        }
    }

    private (RandomBaseline, List<ConceptScore>, ConceptEntanglement, List<LayerConceptVectors>) Tcav(ConceptStudy study, string layer, int[][] concepts, int[][] randomSets, RowStore activations, float[][] exampleGradients)
    {
        IProgress<BatchProgress> bar = progress($"CAVs: {layer}");
        int total = (concepts.Length + 1) * (randomSets.Length - 1), done = 0;
        float[][] negatives = Rows(study.RandomSetSize, activations.RowLength), previous = Rows(study.RandomSetSize, activations.RowLength);
        ConceptVector Train(IReadOnlyList<float[]> positives, int set)
        {
            ConceptVector cav = CavTrainer.Train(positives, activations.ReadInto(randomSets[set], negatives), settings.Cav with { Seed = settings.Seed + set });
            bar.Report(new BatchProgress(++done, total, done));
            return cav;
        }

        // The baseline: each random set as if it were a concept against the next, as many CAVs as a concept has. TCAV's
        // reference holds one random set fixed as the pseudo-concept, which ties every baseline CAV to that one set's
        // quirks (measured on the demo: baseline means of 0.63 to 0.85 instead of 0.5); chained pairs keep them apart.
        double[] baseline = [.. Enumerable.Range(1, randomSets.Length - 1).Select(r => Score(Train(activations.ReadInto(randomSets[r - 1], previous), r)).Score)];
        var scores = new List<ConceptScore>();
        var directions = new List<double[]>();
        var kept = new List<LayerConceptVectors>();
        for (int c = 0; c < concepts.Length; c++)
        {
            float[][] positives = activations.Read(concepts[c]);
            ConceptVector[] cavs = [.. Enumerable.Range(1, randomSets.Length - 1).Select(r => Train(positives, r))];
            ConceptVector[] learnable = [.. cavs.Where(v => v.IsLearnable)];
            TcavScore[] tcav = [.. learnable.Select(Score)];
            double[] values = [.. tcav.Select(t => t.Score)];
            TcavSignificance? test = learnable.Length >= 2 ? TcavSignificance.Of(values, baseline, settings.Layers.Count * concepts.Length) : null;
            scores.Add(new ConceptScore(study.Concepts[c].Name, layer, [.. cavs.Select(v => v.HeldOutAccuracy)], values, [.. tcav.Select(t => t.MeanDerivative)], MeanInterval.Of(values), test?.P, test?.CorrectedP, test?.Significant ?? false));
            directions.Add(MeanUnitDirection(cavs));
            if (learnable.Length >= 2)
            {
                kept.Add(new LayerConceptVectors(layer, study.Concepts[c].Name, [.. learnable.Select(v => Unit(v.Direction))]));
            }
        }

        double[][] cosines = [.. directions.Select(a => directions.Select(b => Dot(a, b)).ToArray())];
        return (new RandomBaseline(layer, baseline, MeanInterval.Of(baseline)), scores, new ConceptEntanglement(layer, [.. study.Concepts.Select(c => c.Name)], cosines), kept);

        TcavScore Score(ConceptVector cav) => MedExplain.Concepts.Tcav.Score(exampleGradients, cav);
    }

    private MeasureRelevance Rcv(MeasureSet measure, string layer, int[] rows, Probed probed, int repeats, int comparisons)
    {
        float[][] x = probed.Activations.Read(rows), g = probed.Gradients.Read(rows);
        double[] y = [.. measure.Values];
        RegressionConceptVector rcv = RcvTrainer.Fit(x, y, settings.Ridge, 3, settings.Seed);
        ConceptRelevance relevance = RcvTrainer.Relevance(g, rcv);
        var rng = new Random(settings.Seed);
        int size = Math.Max(6, (int)Math.Round(RepeatFraction * rows.Length));
        var observed = new double[repeats];
        var shuffled = new double[repeats];
        bool defined = relevance.Relevance is not null && rcv.CrossValidatedR2 > 0;
        for (int r = 0; r < repeats && defined; r++)
        {
            int[] subset = [.. Enumerable.Range(0, rows.Length).OrderBy(_ => rng.Next()).Take(size)];
            double[] values = [.. subset.Select(i => y[i])];
            double[] permuted = [.. values.OrderBy(_ => rng.Next())];
            float[][] xs = [.. subset.Select(i => x[i])], gs = [.. subset.Select(i => g[i])];
            observed[r] = RcvTrainer.Relevance(gs, RcvTrainer.Fit(xs, values, settings.Ridge, 3, settings.Seed + r)).Relevance ?? 0;
            shuffled[r] = RcvTrainer.Relevance(gs, RcvTrainer.Fit(xs, permuted, settings.Ridge, 3, settings.Seed + r)).Relevance ?? 0;
        }

        TcavSignificance? test = defined ? TcavSignificance.Of(observed, shuffled, comparisons) : null;
        return new MeasureRelevance(measure.Name, layer, rcv.CrossValidatedR2, rcv.FoldCosine, relevance, defined ? observed : [], defined ? shuffled : [], test?.P, test?.CorrectedP, test?.Significant ?? false, y, [.. rows.Select(i => (double)probed.Logits[i])]);
    }

    private static float[] Unit(float[] direction)
    {
        double norm = Math.Sqrt(direction.Sum(v => (double)v * v));
        return [.. direction.Select(v => norm > 0 ? (float)(v / norm) : 0f)];
    }

    private static float[][] Rows(int count, int length) => [.. Enumerable.Range(0, count).Select(_ => new float[length])];

    /// <summary>Refuses a layer whose training pair (a concept, two random sets and the examples, or a measure's
    /// activations and gradients) would take more than half the memory budget, and returns the probe's options with the
    /// rest of the budget: the runtime keeps what the probe's batches took while the CAVs train.</summary>
    private AttributionOptions WorkingMemory(string layer, int[] itemShape, int[][] concepts, int setSize, int examples, int[][] measures)
    {
        AttributionOptions options = settings.Options ?? new AttributionOptions();
        long budget = options.MaxMemoryBytes;
        long tcavRow = (long)LayerProbe.PooledLength(model, itemShape, layer, settings.Pooling) * sizeof(float);
        long measureRow = (long)LayerProbe.PooledLength(model, itemShape, layer, settings.MeasurePooling) * sizeof(float);
        long tcav = concepts.Length == 0 ? 0 : (concepts.Max(c => c.Length) + (2L * setSize) + examples) * tcavRow;
        long rcv = measures.Length == 0 ? 0 : 2L * measures.Max(m => m.Length) * measureRow;
        long working = Math.Max(tcav, rcv);
        if (working > budget / 2)
        {
            throw new MedExplainParameterException("max-memory", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"at layer '{layer}', training holds {working >> 20} MiB of activations at once ({(tcav >= rcv ? tcavRow : measureRow) >> 10} KiB per scan), more than half of the memory budget ({budget >> 20} MiB): pool by channel (spatial-mean), probe a deeper layer, use smaller sets, or allow more memory."));
        }

        return options with { MaxMemoryBytes = budget - working };
    }

    /// <summary>The unit mean of the CAVs' unit directions.</summary>
    private static double[] MeanUnitDirection(ConceptVector[] cavs)
    {
        float[][] units = [.. cavs.Select(c => Unit(c.Direction))];
        double[] sum = [.. Enumerable.Range(0, units[0].Length).Select(j => units.Sum(u => (double)u[j]))];
        double total = Math.Sqrt(sum.Sum(v => v * v));
        return [.. sum.Select(v => total > 0 ? v / total : 0)];
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, (p, q) => p * q).Sum();

    private sealed record Probed(RowStore Activations, RowStore Gradients, float[] Logits) : IDisposable
    {
        public void Dispose()
        {
            Activations.Dispose();
            Gradients.Dispose();
        }
    }
}
