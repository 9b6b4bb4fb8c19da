using MedExplain.Batching;
using MedExplain.Onnx;

namespace MedExplain.Cases;

/// <summary>
/// What a model makes of a scan at one layer, as a case to compare with others: the activation (C, positions…) and its
/// mean over positions, the embedding. The default layer is the activation the classifier head pools (the last one
/// before a global pooling), so the embedding is exactly the pooled vector the head reads, and a cosine similarity
/// between two embeddings splits exactly over the positions of either activation (<see cref="SimilarityMap"/>).
/// </summary>
/// <param name="Layer">The tensor read.</param>
/// <param name="Activation">One item's activation, channel-major (C × positions); for a vector layer, positions = 1.</param>
/// <param name="Channels">C.</param>
/// <param name="Spatial">The activation's spatial shape (empty for a vector layer).</param>
public sealed record CaseEmbedding(string Layer, float[] Activation, int Channels, int[] Spatial)
{
    /// <summary>Gets the number of positions.</summary>
    public int Positions => Activation.Length / Channels;

    /// <summary>Gets the embedding: the activation's mean over positions, one value per channel.</summary>
    public float[] Vector => _vector ??= Pool(Activation, Channels);

    private float[]? _vector;

    /// <summary>The default embedding layer: the last activation before a global pooling (the head's input).</summary>
    /// <param name="model">The model.</param>
    /// <exception cref="MedExplainInputException">No activation feeds a global pooling.</exception>
    public static string DefaultLayer(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.FindCamLayers() is { Count: > 0 } found
            ? found[^1].TensorName
            : throw new MedExplainInputException(model.FilePath, "no activation feeds a global pooling, so no embedding layer could be chosen; name one (a tensor, see inspect).");
    }

    /// <summary>Each input's activation at <paramref name="layer"/>, in forward passes sized by the memory budget.</summary>
    /// <param name="model">The model.</param>
    /// <param name="inputs">Model-ready inputs (N, C, spatial…).</param>
    /// <param name="layer">The tensor, or null for <see cref="DefaultLayer"/>.</param>
    /// <param name="maxMemoryBytes">The memory the batches may take.</param>
    /// <param name="consume">Receives each input's index and embedding, in order.</param>
    /// <param name="progress">Receives progress, or null.</param>
    /// <exception cref="UnknownNameException">The model has no tensor of that name.</exception>
    public static void Stream(OnnxModel model, FloatTensor inputs, string? layer, long maxMemoryBytes, Action<int, CaseEmbedding> consume, IProgress<BatchProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(consume);
        string tensor = layer is null ? DefaultLayer(model) : Concepts.LayerProbe.Resolve(model, layer);
        int[] shape = model.ProbeShapes([model.FixedBatchSize ?? 1, .. inputs.Shape[1..]]).Shapes[tensor];
        int channels = shape.Length > 1 ? shape[1] : 1;
        int[] spatial = shape.Length > 2 ? shape[2..] : [];
        TensorReader.Stream(model, inputs, [tensor], maxMemoryBytes, (item, values) => consume(item, new CaseEmbedding(tensor, values[0], channels, spatial)), progress);
    }

    /// <summary>One input's embedding.</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">One model-ready input (1, C, spatial…).</param>
    /// <param name="layer">The tensor, or null for <see cref="DefaultLayer"/>.</param>
    /// <param name="maxMemoryBytes">The memory the forward pass may take.</param>
    public static CaseEmbedding Of(OnnxModel model, FloatTensor input, string? layer, long maxMemoryBytes)
    {
        CaseEmbedding? embedding = null;
        Stream(model, input, layer, maxMemoryBytes, (_, e) => embedding = e);
        return embedding!;
    }

    /// <summary>This case seen only inside a region: each position's activation weighed by the share of its cell of the
    /// input grid that the region covers, so the embedding pools only there and the similarity map is 0 outside.</summary>
    /// <param name="region">Non-zero inside the region, one value per voxel of the model input's spatial grid.</param>
    /// <param name="inputSpatial">The model input's spatial shape.</param>
    /// <exception cref="MedExplainParameterException">The layer has no positions laid out like the input, or the region is empty.</exception>
    public CaseEmbedding Within(ReadOnlySpan<float> region, int[] inputSpatial)
    {
        ArgumentNullException.ThrowIfNull(inputSpatial);
        if (Spatial.Length != inputSpatial.Length || region.Length != inputSpatial.Aggregate(1, (a, b) => a * b))
        {
            throw new MedExplainParameterException("region", $"needs a layer with positions laid out like the input's {inputSpatial.Length} spatial axes and a mask of {string.Join("×", inputSpatial)} voxels; '{Layer}' has shape ({string.Join("×", Spatial)}) and the mask {region.Length} voxels.");
        }

        double[] covered = new double[Positions], cell = new double[Positions];
        int[] positionOf = Grid.CellOf(inputSpatial, Spatial);
        for (int i = 0; i < region.Length; i++)
        {
            cell[positionOf[i]]++;
            covered[positionOf[i]] += region[i] != 0 ? 1 : 0;
        }

        if (covered.All(c => c == 0))
        {
            throw new MedExplainParameterException("region", "covers no voxel of the model's input: search the whole scan, or give a mask of the region on the scan's grid.");
        }

        float[] weighed = new float[Activation.Length];
        for (int c = 0; c < Channels; c++)
        {
            for (int p = 0; p < Positions; p++)
            {
                weighed[(c * Positions) + p] = Activation[(c * Positions) + p] * (float)(covered[p] / cell[p]);
            }
        }

        return new CaseEmbedding(Layer, weighed, Channels, Spatial);
    }

    /// <summary>The cosine similarity of two embeddings (0 when either is zero).</summary>
    /// <param name="a">One embedding.</param>
    /// <param name="b">Another of the same length.</param>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double norms = Math.Sqrt(Dot(a, a) * Dot(b, b));
        return norms == 0 ? 0 : Dot(a, b) / norms;
    }

    internal static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * (double)b[i];
        }

        return sum;
    }

    private static float[] Pool(float[] activation, int channels)
    {
        int positions = activation.Length / channels;
        var vector = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int p = 0; p < positions; p++)
            {
                sum += activation[(c * positions) + p];
            }

            vector[c] = (float)(sum / positions);
        }

        return vector;
    }
}
