using Google.Protobuf;
using MedExplain.Models;
using MedExplain.Onnx.Backward;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace MedExplain.Onnx;

/// <summary>An ONNX model loaded into ONNX Runtime, with its graph, its declared interface and its model card.</summary>
/// <remarks>Owns the native inference session: dispose it (<c>using OnnxModel model = OnnxModel.Load(path);</c>).</remarks>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly GraphIndex _index;
    private readonly Dictionary<string, ProbedShapes> _probes = [];
    private readonly Dictionary<string, BackwardSession> _backward = [];
    private readonly Dictionary<string, OnnxModel> _derived = [];
    private readonly Lazy<string> _graphHash;

    private OnnxModel(string path, ModelProto proto, InferenceSession session, ModelCard? card, RuntimeOptions runtime)
    {
        FilePath = path;
        Runtime = runtime;
        Proto = proto;
        _session = session;
        _index = new GraphIndex(proto.Graph);
        _graphHash = new Lazy<string>(() => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(proto.ToByteArray())));
        Card = card;
        var initializers = proto.Graph.Initializer.Select(i => i.Name).ToHashSet();
        Inputs = [.. proto.Graph.Input.Where(i => !initializers.Contains(i.Name)).Select(ToTensorInfo)];
        Outputs = [.. proto.Graph.Output.Select(ToTensorInfo)];
        Opset = (int)(proto.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 0);
        OpInventory = proto.Graph.Node
            .GroupBy(n => n.Domain is "" or "ai.onnx" ? n.OpType : $"{n.Domain}:{n.OpType}")
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>Gets the model file.</summary>
    public string FilePath { get; }

    /// <summary>Gets how ONNX Runtime runs this model and the graphs derived from it.</summary>
    public RuntimeOptions Runtime { get; }

    /// <summary>Gets the parsed ONNX protobuf.</summary>
    public ModelProto Proto { get; }

    /// <summary>Gets the model card, or null when none lies beside the model.</summary>
    public ModelCard? Card { get; }

    /// <summary>Gets the graph inputs that are not initializers.</summary>
    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>Gets the graph outputs.</summary>
    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>Gets the opset version of the default ONNX domain.</summary>
    public int Opset { get; }

    /// <summary>Gets how many nodes of each op type the graph holds, most frequent first.</summary>
    public IReadOnlyDictionary<string, int> OpInventory { get; }

    /// <summary>Gets the graph input the image goes into: the card's, else the first.</summary>
    public TensorInfo ImageInput => Card?.InputName is { } name ? Inputs.First(i => i.Name == name) : Inputs[0];

    /// <summary>Gets the graph output holding class scores: the card's, else the first.</summary>
    public TensorInfo ScoreOutput => Card?.OutputName is { } name ? Outputs.First(o => o.Name == name) : Outputs[0];

    internal GraphIndex Graph => _index;

    /// <summary>Gets a SHA-256 of the graph as loaded (weights included): what on-disk caches of its compiled graphs are keyed by.</summary>
    public string GraphHash => _graphHash.Value;

    /// <summary>Loads a model and the card beside it (<c>model.card.json</c> for <c>model.onnx</c>), if there is one.</summary>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <param name="cardPath">A card to use instead of the one beside the model.</param>
    /// <param name="runtime">Threads and execution providers for every session of the model; null for the defaults.</param>
    /// <exception cref="MedExplainInputException">The file is missing, is not ONNX, is refused by ONNX Runtime,
    /// or its card is malformed or does not fit it.</exception>
    public static OnnxModel Load(string path, string? cardPath = null, RuntimeOptions? runtime = null)
    {
        runtime ??= RuntimeOptions.Default;
        ArgumentNullException.ThrowIfNull(path);
        ModelProto proto = ReadProto(path);
        // A card the caller names must exist: running on without it would skip its normalisation and class names.
        ModelCard? card = cardPath is not null ? ModelCardReader.Read(cardPath)
            : File.Exists(ModelCardReader.CardPathFor(path)) ? ModelCardReader.Read(ModelCardReader.CardPathFor(path))
            : null;
        InferenceSession session = Canonizers.InferenceMode.Apply(proto.Graph) > 0 ? CreateSession(path, runtime, proto.ToByteArray()) : CreateSession(path, runtime);
        var model = new OnnxModel(path, proto, session, card, runtime);
        try
        {
            if (card is not null)
            {
                ModelCardValidator.Validate(card, model);
            }

            model.CheckInterface();

            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The input shape for <paramref name="batch"/> items: from the card, else from the declared fixed dims.</summary>
    /// <param name="batch">The number of items.</param>
    /// <returns>The shape, or null when the model leaves spatial dimensions open and has no card.</returns>
    public int[]? InputShapeFor(int batch) => InputSpec.ShapeFor(batch);

    /// <summary>Gets what the image input takes, for code that prepares scans without the model itself (Imaging).</summary>
    public ModelInputSpec InputSpec => new(
        FilePath, ImageInput.Name, [.. ImageInput.Dimensions.Select(d => d.Size)], ImageInput.FormatShape(), Card, CannotFeed);

    /// <summary>Why MedExplain cannot feed this model one float image, or null.</summary>
    private string? CannotFeed =>
        Inputs.Count > 1 ? $"the model has {Inputs.Count} inputs ({string.Join(", ", Inputs.Select(i => $"'{i.Name}'"))}); MedExplain feeds models with one image input."
        : ImageInput.ElementType != "float" ? $"input '{ImageInput.Name}' is {ImageInput.ElementType}; MedExplain feeds float32 images."
        : null;

    /// <summary>Gets the batch size the model forces, or null when its batch dimension is free.</summary>
    public int? FixedBatchSize => ImageInput.Dimensions is [{ IsFixed: true } first, ..] ? (int)first.Size!.Value : null;

    /// <summary>Runs the model once at <paramref name="inputShape"/> and returns every value's shape (cached per shape).</summary>
    /// <param name="inputShape">The concrete input shape.</param>
    public ProbedShapes ProbeShapes(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        string key = FloatTensor.FormatShape(inputShape);
        lock (_probes)
        {
            if (!_probes.TryGetValue(key, out ProbedShapes? probe))
            {
                ProbedShapes Small(int batch) => ProbeShapes([batch, .. inputShape[1..]]);
                probe = inputShape[0] > 8 && FixedBatchSize is null ? BatchExtrapolation.At(inputShape[0], Small(1), Small(2), Small(3)) : null;
                _probes[key] = probe ??= RuntimeFailure(inputShape, () => ShapeProbe.Run(Proto, FilePath, Runtime, ImageInput.Name, inputShape));
            }

            return probe;
        }
    }

    /// <summary>Gets a value indicating whether MedExplain can feed the model: one float32 image input.</summary>
    public bool TakesOneFloatImage => Inputs.Count == 1 && ImageInput.ElementType == "float";

    /// <summary>The input shape a shape probe uses, or null when the model cannot be fed or leaves spatial dims open.</summary>
    public int[]? ProbeShape => TakesOneFloatImage ? InputShapeFor(FixedBatchSize ?? 1) : null;

    /// <summary>Finds CAM layer candidates, using probed shapes at <see cref="ProbeShape"/> when there is one.</summary>
    public IReadOnlyList<CamLayerCandidate> FindCamLayers() =>
        CamLayerFinder.Find(_index, ProbeShape is { } shape ? ProbeShapes(shape).Shapes : null);

    /// <summary>The bottleneck of an encoder–decoder at <paramref name="inputShape"/>: the deepest activation at the
    /// coarsest resolution (the default CAM layer of segmentation models), or null when no activation has the input's rank.</summary>
    /// <param name="inputShape">The concrete input shape.</param>
    public CamLayerCandidate? FindBottleneck(int[] inputShape) => CamLayerFinder.Bottleneck(_index, ProbeShapes(inputShape).Shapes, ImageInput.Name);

    /// <summary>The compiled explanation graph for <paramref name="request"/> at <paramref name="inputShape"/>, compiled
    /// and loaded once per (shape, request) and reused.</summary>
    /// <param name="inputShape">The concrete input shape, batch included.</param>
    /// <param name="request">The target, rules and requested tensors.</param>
    /// <exception cref="UnsupportedModelException">A node on the path has no rule in the set.</exception>
    public BackwardSession Backward(int[] inputShape, BackwardRequest request)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(request);
        string key = FloatTensor.FormatShape(inputShape) + "|" + request.CacheKey;
        lock (_backward)
        {
            if (!_backward.TryGetValue(key, out BackwardSession? session))
            {
                string diskKey = CompiledGraphCache.Key(GraphHash, inputShape, request);
                CompiledGraph? graph = CompiledGraphCache.Read(diskKey);
                if (graph is null)
                {
                    graph = BackwardGraphCompiler.Compile(this, inputShape, request);
                    CompiledGraphCache.Write(diskKey, graph);
                }

                _backward[key] = session = new BackwardSession(graph, FilePath, Runtime, request.Rules.Name);
            }

            return session;
        }
    }

    /// <summary>Runs one batch through the model and returns the requested float outputs.</summary>
    /// <param name="input">The batch, shaped as the image input expects.</param>
    /// <param name="outputNames">The outputs to return.</param>
    public FloatTensor[] Run(FloatTensor input, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputNames);
        using OrtValue value = OrtValue.CreateTensorValueFromMemory(input.Data, Array.ConvertAll(input.Shape, d => (long)d));
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results = RuntimeFailure(input.Shape, () => _session.Run(runOptions, [ImageInput.Name], [value], outputNames));
        var tensors = new FloatTensor[outputNames.Count];
        for (int i = 0; i < tensors.Length; i++)
        {
            OrtTensorTypeAndShapeInfo info = results[i].GetTensorTypeAndShape();
            if (info.ElementDataType != TensorElementType.Float)
            {
                throw new MedExplainInputException(FilePath, $"output '{outputNames[i]}' holds {info.ElementDataType.ToString().ToLowerInvariant()} values; MedExplain reads float32 scores. Export the logits (or probabilities) rather than, say, their ArgMax.");
            }

            tensors[i] = new FloatTensor(Array.ConvertAll(info.Shape, d => checked((int)d)), results[i].GetTensorDataAsSpan<float>().ToArray());
        }

        return tensors;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (OnnxModel derived in _derived.Values.Where(d => !ReferenceEquals(d, this)))
        {
            derived.Dispose();
        }

        foreach (BackwardSession session in _backward.Values)
        {
            session.Dispose();
        }

        _session.Dispose();
    }

    private static ModelProto ReadProto(string path)
    {
        if (Directory.Exists(path))
        {
            throw new MedExplainInputException(path, "is a directory; expected an ONNX model file (.onnx).");
        }

        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "file not found.");
        }

        long length = new FileInfo(path).Length;
        if (length == 0)
        {
            throw new MedExplainInputException(path, "file is empty; expected an ONNX model.");
        }

        if (length > int.MaxValue)
        {
            throw new MedExplainInputException(path, "is larger than 2 GiB; ONNX models that size keep their weights in external data files.");
        }

        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new MedExplainInputException(path, $"is not an ONNX model (it does not parse as an ONNX protobuf: {e.Message}).", e);
        }

        if (proto.IrVersion <= 0 || proto.Graph is null || proto.Graph.Node.Count == 0 || proto.Graph.Output.Count == 0)
        {
            throw new MedExplainInputException(path, "is not an ONNX model (no IR version, graph, nodes or outputs found).");
        }

        return proto;
    }

    /// <summary>Gets a model derived from this one by a graph rewrite (a canonizer), cached by <paramref name="key"/> and
    /// disposed with this model; this model itself when the rewrite changes nothing.</summary>
    /// <param name="key">Names the rewrite.</param>
    /// <param name="rewrite">Returns the rewritten graph and how many changes it made.</param>
    public OnnxModel Derived(string key, Func<ModelProto, (ModelProto Model, int Changes)> rewrite)
    {
        ArgumentNullException.ThrowIfNull(rewrite);
        lock (_derived)
        {
            if (!_derived.TryGetValue(key, out OnnxModel? derived))
            {
                (ModelProto proto, int changes) = rewrite(Proto);
                derived = changes == 0 ? this : new OnnxModel(FilePath, proto, CreateSession(FilePath, Runtime, proto.ToByteArray()), Card, Runtime);
                _derived[key] = derived;
            }

            return derived;
        }
    }

    private static InferenceSession CreateSession(string path, RuntimeOptions runtime, byte[]? bytes = null)
    {
        using SessionOptions options = RuntimeSessionOptions.For(path, runtime);
        try
        {
            return bytes is null ? new InferenceSession(path, options) : new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new MedExplainInputException(path, $"ONNX Runtime cannot load this model: {e.Message}", e);
        }
    }

    private void CheckInterface()
    {
        if (Inputs.Count == 0)
        {
            throw new MedExplainInputException(FilePath, "the model declares no input.");
        }
    }

    /// <summary>A model that fails to run at a shape its interface accepts is a problem of the model file, not a bug here.</summary>
    private T RuntimeFailure<T>(int[] inputShape, Func<T> run)
    {
        try
        {
            return run();
        }
        catch (OnnxRuntimeException e)
        {
            throw new MedExplainInputException(FilePath, $"ONNX Runtime failed to run the model on input shape {FloatTensor.FormatShape(inputShape)}: {e.Message}", e);
        }
    }

    private static TensorInfo ToTensorInfo(ValueInfoProto value)
    {
        TypeProto.Types.Tensor? tensor = value.Type?.TensorType;
        string elementType = tensor is null ? "unknown" : ((TensorProto.Types.DataType)tensor.ElemType).ToString().ToLowerInvariant();
        IReadOnlyList<TensorDimension> dims = tensor?.Shape is null
            ? []
            : [.. tensor.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue
                ? new TensorDimension(d.DimValue, null)
                : new TensorDimension(null, d.DimParam.Length > 0 ? d.DimParam : null))];
        return new TensorInfo(value.Name, elementType, dims);
    }
}
