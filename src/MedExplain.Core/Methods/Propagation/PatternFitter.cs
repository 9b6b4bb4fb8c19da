using MedExplain.Batching;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using Onnx;

namespace MedExplain.Methods.Propagation;

/// <summary>
/// Estimates PatternNet's two-component "relu" patterns (Kindermans et al., 2018) from a data set: for each output
/// neuron (each output channel of a convolution, over every position) with pre-activation y = wᵀx,
/// a = (E₊[x·y] − E₊[x]·E₊[y]) / (wᵀE₊[x·y] − wᵀE₊[x]·E₊[y]), the expectations over samples with y &gt; 0.
/// </summary>
public static class PatternFitter
{
    /// <summary>Fits patterns for every Conv (groups 1) and Gemm with constant weights on the path from the input.</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">The data set, model-ready (N, C, …).</param>
    /// <param name="progress">Reports items done.</param>
    public static PatternSet Fit(OnnxModel model, FloatTensor data, IProgress<BatchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        model = LrpMethod.Canonical(model);
        List<NodeProto> layers = [.. LinearLayers(model)];
        if (layers.Count == 0)
        {
            throw new MedExplainInputException(model.FilePath, "has no Conv or Gemm layer with constant weights to fit patterns for.");
        }

        string[] inputs = [.. layers.Select(l => l.Input[0]).Distinct()];
        int[] itemShape = data.Shape[1..];
        BackwardSession session = model.Backward([1, .. itemShape], new BackwardRequest(model.ScoreOutput.Name, RuleSet.Gradient, [model.ImageInput.Name], inputs));
        var seed = new FloatTensor(session.Graph.SeedShape);
        var statistics = layers.ToDictionary(l => l.Name, l => new Statistics(model, l));
        for (int item = 0; item < data.BatchSize; item++)
        {
            FloatTensor[] activations = session.Run(data.Slice(item, 1), seed, inputs);
            foreach (NodeProto layer in layers)
            {
                statistics[layer.Name].Add(activations[Array.IndexOf(inputs, layer.Input[0])]);
            }

            progress?.Report(new BatchProgress(item + 1, data.BatchSize, item + 1));
        }

        return new PatternSet(
            statistics.ToDictionary(s => s.Key, s => s.Value.Pattern()),
            statistics.ToDictionary(s => s.Key, s => s.Value.PositiveSamples));
    }

    /// <summary>The Conv and Gemm nodes with constant weights that the input reaches.</summary>
    public static IEnumerable<NodeProto> LinearLayers(OnnxModel model) =>
        Onnx.LinearLayers.ReachedFromInput(model).Where(n => n.OpType is "Conv" or "Gemm");

    /// <summary>Running sums for one layer: per output neuron, over samples with y &gt; 0, Σx, Σx·y, Σy, count.</summary>
    private sealed class Statistics
    {
        private readonly LayerPatches _patches;
        private readonly float[] _weights;
        private readonly int _outputs;
        private readonly int _patchSize;
        private readonly double[] _sumX, _sumXY, _sumY;
        private readonly long[] _count;

        public Statistics(OnnxModel model, NodeProto node)
        {
            _patches = LayerPatches.Of(model, node);
            (_weights, _outputs) = (_patches.Weights, _patches.Outputs);
            _patchSize = _weights.Length / _outputs;
            _sumX = new double[_weights.Length];
            _sumXY = new double[_weights.Length];
            _sumY = new double[_outputs];
            _count = new long[_outputs];
        }

        public long PositiveSamples => _count.Sum();

        public void Add(FloatTensor input)
        {
            var patch = new float[_patchSize];
            foreach (int position in _patches.Positions(input.Shape))
            {
                _patches.Extract(input, position, patch);
                for (int o = 0; o < _outputs; o++)
                {
                    ReadOnlySpan<float> w = _weights.AsSpan(o * _patchSize, _patchSize);
                    double y = System.Numerics.Tensors.TensorPrimitives.Dot(w, patch);
                    if (y <= 0)
                    {
                        continue;
                    }

                    _count[o]++;
                    _sumY[o] += y;
                    int at = o * _patchSize;
                    for (int i = 0; i < _patchSize; i++)
                    {
                        _sumX[at + i] += patch[i];
                        _sumXY[at + i] += patch[i] * y;
                    }
                }
            }
        }

        /// <summary>The pattern in the layer's own weight layout.</summary>
        public FloatTensor Pattern()
        {
            var a = new float[_weights.Length];
            for (int o = 0; o < _outputs; o++)
            {
                ReadOnlySpan<float> w = _weights.AsSpan(o * _patchSize, _patchSize);
                if (_count[o] < 2)
                {
                    // Too few positive outputs to estimate a covariance: use the pattern of a noise-free input, w / wᵀw.
                    WeightPattern(w, a.AsSpan(o * _patchSize, _patchSize));
                    continue;
                }

                double n = _count[o], meanY = _sumY[o] / n;
                int at = o * _patchSize;
                double denominator = 0;
                var covariance = new double[_patchSize];
                for (int i = 0; i < _patchSize; i++)
                {
                    covariance[i] = (_sumXY[at + i] / n) - (_sumX[at + i] / n * meanY);
                    denominator += _weights[at + i] * covariance[i];
                }

                // wᵀcov near 0 next to |w|·|cov|: the output barely correlates with its input along w; no stable estimate.
                double scale = Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(w, w) * covariance.Sum(c => c * c));
                if (Math.Abs(denominator) <= 1e-3 * scale || scale == 0)
                {
                    WeightPattern(w, a.AsSpan(at, _patchSize));
                    continue;
                }

                for (int i = 0; i < _patchSize; i++)
                {
                    a[at + i] = (float)(covariance[i] / denominator);
                }
            }

            return _patches.ToWeightLayout(a);
        }

        private static void WeightPattern(ReadOnlySpan<float> w, Span<float> a)
        {
            float norm = System.Numerics.Tensors.TensorPrimitives.Dot(w, w);
            for (int i = 0; i < w.Length; i++)
            {
                a[i] = norm > 0 ? w[i] / norm : 0;
            }
        }
    }
}
