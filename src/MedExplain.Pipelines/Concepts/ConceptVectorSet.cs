using System.Runtime.InteropServices;
using System.Text.Json;
using MedExplain.Concepts;
using MedExplain.Onnx;

namespace MedExplain.Pipelines.Concepts;

/// <summary>The unit directions of a concept's learnable CAVs at one layer (one per random set it was told apart from).</summary>
/// <param name="Layer">The layer.</param>
/// <param name="Concept">The concept.</param>
/// <param name="Directions">The CAVs, each of unit length.</param>
public sealed record LayerConceptVectors(string Layer, string Concept, IReadOnlyList<float[]> Directions);

/// <summary>How one scan's logit moves along a concept's CAVs at a layer: TCAV for a single scan.</summary>
/// <param name="Layer">The layer.</param>
/// <param name="Concept">The concept.</param>
/// <param name="Rising">How many of the concept's CAVs the logit rises along (∇logit · CAV &gt; 0).</param>
/// <param name="Cavs">How many CAVs there are.</param>
/// <param name="MeanDerivative">The mean of ∇logit · CAV over them.</param>
public sealed record ScanConceptScore(string Layer, string Concept, int Rising, int Cavs, double MeanDerivative);

/// <summary>
/// CAVs kept from a concept study, to score new scans without training again (<c>explain --concepts</c>). Saved as JSON
/// with the directions as base64 little-endian float32, and tied to the model's graph by its SHA-256: CAVs of another
/// model are refused.
/// </summary>
/// <param name="ModelGraphSha256">The SHA-256 of the model's graph.</param>
/// <param name="TargetClass">The class the CAVs were scored for.</param>
/// <param name="ClassName">Its name, or null.</param>
/// <param name="Pooling">How activations were pooled.</param>
/// <param name="Vectors">Per layer and concept.</param>
public sealed record ConceptVectorSet(string ModelGraphSha256, int TargetClass, string? ClassName, LayerPooling Pooling, IReadOnlyList<LayerConceptVectors> Vectors)
{
    /// <summary>The largest file read.</summary>
    public const int MaxBytes = 512 << 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Writes the set.</summary>
    /// <param name="path">The file (.json).</param>
    public void Save(string path)
    {
        var file = new SetFile(ModelGraphSha256, TargetClass, ClassName, Pooling == LayerPooling.Flatten ? "flatten" : "spatial-mean",
            [.. Vectors.Select(v => new VectorsFile(v.Layer, v.Concept, [.. v.Directions.Select(d => Convert.ToBase64String(MemoryMarshal.AsBytes(d.AsSpan())))]))]);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(file, Json) + "\n");
    }

    /// <summary>Reads a set written by <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="MedExplainInputException">The file is missing or is not such a set.</exception>
    public static ConceptVectorSet Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        SetFile file;
        try
        {
            file = JsonSerializer.Deserialize<SetFile>(BoundedFile.ReadUtf8(path, MaxBytes, "CAV file"), Json) ?? throw new JsonException("empty");
            LayerPooling pooling = file.Pooling switch
            {
                "flatten" => LayerPooling.Flatten,
                "spatial-mean" => LayerPooling.SpatialMean,
                _ => throw new JsonException($"pooling '{file.Pooling}'"),
            };
            LayerConceptVectors[] vectors = [.. (file.Vectors ?? throw new JsonException("no vectors")).Select(v => new LayerConceptVectors(
                v.Layer ?? throw new JsonException("a layer"), v.Concept ?? throw new JsonException("a concept"), [.. (v.Directions ?? []).Select(Floats)]))];
            return new ConceptVectorSet(file.ModelGraphSha256 ?? throw new JsonException("no model hash"), file.TargetClass, file.ClassName, pooling, vectors);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new MedExplainInputException(path, $"is not a CAV file written by the concepts use case (cavs.json): {e.Message}", e);
        }
    }

    /// <summary>Scores one scan: at each layer, the gradient of the set's class's logit, and how it lies along each
    /// concept's CAVs.</summary>
    /// <param name="model">The model the CAVs were trained on.</param>
    /// <param name="input">The scan as the model's input (1, C, spatial…).</param>
    /// <param name="source">The CAV file, named in errors.</param>
    /// <param name="options">Memory budget; null for the defaults.</param>
    /// <exception cref="MedExplainInputException">The CAVs belong to another model, or do not fit its layer.</exception>
    public IReadOnlyList<ScanConceptScore> Score(OnnxModel model, FloatTensor input, string source, Methods.AttributionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        if (model.GraphHash != ModelGraphSha256)
        {
            throw new MedExplainInputException(source, $"holds CAVs of another model (graph SHA-256 {ModelGraphSha256[..12]}…, not {model.GraphHash[..12]}… of {Path.GetFileName(model.FilePath)}): train them on this model with the concepts use case.");
        }

        var scores = new List<ScanConceptScore>();
        foreach (IGrouping<string, LayerConceptVectors> layer in Vectors.GroupBy(v => v.Layer))
        {
            float[] gradient = LayerProbe.Run(model, input, layer.Key, TargetClass, Pooling, options).Gradients[0];
            foreach (LayerConceptVectors concept in layer)
            {
                if (concept.Directions.Any(d => d.Length != gradient.Length))
                {
                    throw new MedExplainInputException(source, $"has CAVs of {concept.Directions[0].Length} values for '{concept.Concept}' at '{layer.Key}', where this input gives {gradient.Length}: the scan must be prepared like the study's.");
                }

                double[] derivatives = [.. concept.Directions.Select(d => d.Zip(gradient, (a, b) => (double)a * b).Sum())];
                scores.Add(new ScanConceptScore(layer.Key, concept.Concept, derivatives.Count(v => v > 0), derivatives.Length, derivatives.DefaultIfEmpty(0).Average()));
            }
        }

        return scores;
    }

    private static float[] Floats(string base64)
    {
        byte[] bytes = Convert.FromBase64String(base64);
        return bytes.Length % sizeof(float) == 0 ? MemoryMarshal.Cast<byte, float>(bytes).ToArray() : throw new FormatException("a direction is not whole float32 values");
    }

    private sealed record SetFile(string? ModelGraphSha256, int TargetClass, string? ClassName, string? Pooling, IReadOnlyList<VectorsFile>? Vectors);

    private sealed record VectorsFile(string? Layer, string? Concept, IReadOnlyList<string>? Directions);
}
