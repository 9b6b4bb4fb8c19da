using MedExplain.Onnx;

namespace MedExplain.Cli.Reports;

/// <summary>What <c>medexplain inspect</c> reports about a model, for both text and JSON output.</summary>
internal sealed record ModelSummary(
    string File,
    string Producer,
    long IrVersion,
    int Opset,
    IReadOnlyList<ModelSummary.Tensor> Inputs,
    IReadOnlyList<ModelSummary.Tensor> Outputs,
    int NodeCount,
    IReadOnlyDictionary<string, int> Ops,
    IReadOnlyList<ModelSummary.CamLayer> CamLayerCandidates,
    IReadOnlyList<ModelSummary.Layer> Layers,
    string? ProbedInputShape,
    ModelSummary.CardSummary? Card)
{
    public static ModelSummary Of(OnnxModel model)
    {
        int[]? shape = model.ProbeShape;
        IReadOnlyDictionary<string, int[]>? shapes = shape is null ? null : model.ProbeShapes(shape).Shapes;
        CardSummary? card = model.Card is { } c
            ? new CardSummary(c.SourcePath, c.Name, c.Description, c.Layout.ToString(), c.Channels, c.SpatialSize, c.Normalization.ToString(),
                c.ClassNames, c.CamLayer, c.RecommendedMethods, c.Evaluation)
            : null;
        return new ModelSummary(
            model.FilePath,
            $"{model.Proto.ProducerName} {model.Proto.ProducerVersion}".Trim(),
            model.Proto.IrVersion,
            model.Opset,
            [.. model.Inputs.Select(Tensor.Of)],
            [.. model.Outputs.Select(Tensor.Of)],
            model.Proto.Graph.Node.Count,
            model.OpInventory,
            [.. model.FindCamLayers().Select(l => new CamLayer(l.TensorName, l.ProducerOp, l.ProducerNode, l.PoolingNode,
                shapes?.GetValueOrDefault(l.TensorName) is { } s ? FloatTensor.FormatShape(s) : null, l.TensorName == model.Card?.CamLayer))],
            [.. model.Proto.Graph.Node.Where(n => OpFacts.WeightedLayers.Contains(n.OpType)).Select(n => new Layer(n.Name, n.OpType))],
            shape is null ? null : FloatTensor.FormatShape(shape),
            card);
    }

    internal sealed record Tensor(string Name, string ElementType, string Shape)
    {
        public static Tensor Of(TensorInfo info) => new(info.Name, info.ElementType, info.FormatShape());
    }

    /// <summary>A weighted layer (convolution, dense): the nodes LRP rules apply to, by the name --rule-override takes.</summary>
    internal sealed record Layer(string Node, string Op);

    internal sealed record CamLayer(string Tensor, string ProducerOp, string ProducerNode, string PoolingNode, string? Shape, bool CardDefault);

    internal sealed record CardSummary(
        string File,
        string Name,
        string Description,
        string Layout,
        int Channels,
        IReadOnlyList<int> SpatialSize,
        string Normalization,
        IReadOnlyList<string> ClassNames,
        string? CamLayer,
        IReadOnlyList<string> RecommendedMethods,
        IReadOnlyDictionary<string, double> Evaluation);
}
