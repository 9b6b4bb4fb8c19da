using MedExplain.Onnx;
using MedExplain.Prediction;

namespace MedExplain.Methods.Cam;

/// <summary>The activation a CAM method uses, and its shape per item.</summary>
internal sealed record CamLayer(string Name, int Channels, int[] Spatial)
{
    public int Positions => Spatial.Aggregate(1, (p, d) => p * d);

    /// <summary>The layer the options name, else the card's, else the last activation before a global pooling, else, for a
    /// segmentation model, the bottleneck (Seg-Grad-CAM's choice).</summary>
    public static CamLayer Choose(OnnxModel model, int[] itemShape, AttributionOptions options)
    {
        int[] probeShape = [model.FixedBatchSize ?? 1, .. itemShape];
        string name = options.Layer ?? model.Card?.CamLayer
            ?? (model.FindCamLayers() is { Count: > 0 } found ? found[^1].TensorName : null)
            ?? (Segmenter.Segments(model) ? model.FindBottleneck(probeShape)?.TensorName : null)
            ?? throw new MedExplainInputException(model.FilePath, "no activation feeds a global pooling and the model is no encoder–decoder, so no CAM layer could be chosen; name one as the layer.");
        IReadOnlyDictionary<string, int[]> shapes = model.ProbeShapes(probeShape).Shapes;
        if (!shapes.TryGetValue(name, out int[]? shape))
        {
            throw new UnknownNameException(model.FilePath, "tensor", name);
        }

        if (shape.Length is not (4 or 5))
        {
            throw new MedExplainInputException(model.FilePath, $"layer '{name}' has shape {FloatTensor.FormatShape(shape)}; CAM methods need a (N, C, H, W) or (N, C, D, H, W) activation.");
        }

        return new CamLayer(name, shape[1], shape[2..]);
    }
}
