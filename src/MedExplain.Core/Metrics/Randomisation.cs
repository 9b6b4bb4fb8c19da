using Google.Protobuf;
using MedExplain.Onnx;
using Onnx;

namespace MedExplain.Metrics;

/// <summary>
/// The model-parameter randomisation sanity check (Adebayo et al., 2018): the weights of the linear layers are replaced
/// by random ones with the same mean and spread, layer by layer from the output down, in copies of the ONNX graph. A
/// map that stays the same while the model is destroyed does not explain the model.
/// </summary>
public static class Randomisation
{
    /// <summary>Gets the linear layers (Conv, Gemm, MatMul with constant weights) from the output down: the cascade's order.</summary>
    /// <param name="model">The model.</param>
    public static IReadOnlyList<string> LayersFromTheTop(OnnxModel model)
    {
        return [.. LinearLayers.ReachedFromInput(model).Select(n => n.Name).Reverse()];
    }

    /// <summary>Gets the model with the top <paramref name="layers"/> linear layers' weights (and biases) randomised; cached on the model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="layers">How many layers from the top.</param>
    /// <param name="seed">The seed of the random weights.</param>
    public static OnnxModel Cascade(OnnxModel model, int layers, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        string[] chosen = [.. LayersFromTheTop(model).Take(layers)];
        return model.Derived($"randomised-top-{layers}-seed-{seed}", proto =>
        {
            ModelProto copy = proto.Clone();
            var random = new Random(seed);
            var index = new GraphIndex(copy.Graph);
            foreach (NodeProto node in copy.Graph.Node.Where(n => chosen.Contains(n.Name)))
            {
                // The layer's parameters: weights and bias, behind Identity nodes where the exporter put them there.
                foreach (TensorProto tensor in node.Input.Where(i => i.Length > 0).Select(index.Constant).OfType<TensorProto>())
                {
                    float[] values = GraphIndex.ReadFloats(tensor);
                    double mean = values.Average(v => (double)v), sd = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
                    float[] fresh = [.. values.Select(_ => (float)(mean + (sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))))];
                    tensor.FloatData.Clear();
                    tensor.RawData = ByteString.CopyFrom([.. fresh.SelectMany(BitConverter.GetBytes)]);
                }
            }

            return (copy, chosen.Length);
        });
    }

    /// <summary>Spearman's rank correlation of two maps (of their absolute values, as the check's authors compare them).</summary>
    /// <param name="a">One map.</param>
    /// <param name="b">The other, same length.</param>
    public static double Spearman(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        return Correlation.Pearson(Ranks(a), Ranks(b));
    }

    /// <summary>Structural similarity of two maps scaled to [0, 1] by their own ranges, with global statistics (one window).</summary>
    /// <param name="a">One map.</param>
    /// <param name="b">The other.</param>
    public static double Ssim(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double[] x = Scaled(a), y = Scaled(b);
        double mx = x.Average(), my = y.Average();
        double vx = x.Average(v => (v - mx) * (v - mx)), vy = y.Average(v => (v - my) * (v - my));
        double cov = x.Select((v, i) => (v - mx) * (y[i] - my)).Average();
        const double C1 = 0.01 * 0.01, C2 = 0.03 * 0.03;
        return ((2 * mx * my) + C1) * ((2 * cov) + C2) / (((mx * mx) + (my * my) + C1) * (vx + vy + C2));
    }

    private static double[] Scaled(ReadOnlySpan<float> values)
    {
        float[] abs = [.. values.ToArray().Select(Math.Abs)];
        float max = abs.Max(), min = abs.Min();
        return [.. abs.Select(v => max > min ? (v - min) / (double)(max - min) : 0)];
    }

    private static double[] Ranks(ReadOnlySpan<float> values) => Ranking.Of([.. values.ToArray().Select(v => (double)Math.Abs(v))]).Ranks;
}
