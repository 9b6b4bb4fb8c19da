using System.Reflection;
using MedExplain.Onnx;
using Onnx;

namespace MedExplain.Methods;

/// <summary>Makes an exported explanation graph a model any ONNX tool accepts (onnx.checker's full check): every input
/// and output typed with the concrete shape it was exported at, no untyped value_info, and MedExplain as producer.</summary>
internal static class ExportedGraphTyping
{
    public static ModelProto Finish(ModelProto model, OnnxModel source, int[] inputShape, string attributionOutput)
    {
        GraphProto graph = model.Graph;
        foreach (ValueInfoProto untyped in graph.ValueInfo.Where(v => v.Type is null).ToList())
        {
            graph.ValueInfo.Remove(untyped);
        }

        // The batch is fixed at export: every symbolic dimension of an input is the batch.
        foreach (ValueInfoProto input in graph.Input.Where(i => i.Type?.TensorType?.Shape is not null))
        {
            foreach (TensorShapeProto.Types.Dimension dim in input.Type.TensorType.Shape.Dim.Where(d => d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue))
            {
                dim.DimValue = inputShape[0];
            }
        }

        IReadOnlyDictionary<string, int[]> shapes = source.ProbeShapes(inputShape).Shapes;
        foreach (ValueInfoProto output in graph.Output)
        {
            int[]? shape = output.Name == attributionOutput ? inputShape : shapes.GetValueOrDefault(output.Name);
            output.Type = Float(shape);
        }

        model.ProducerName = "MedExplain";
        model.ProducerVersion = typeof(ExportedGraphTyping).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? string.Empty;
        return model;
    }

    private static TypeProto Float(int[]? shape)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float };
        if (shape is not null)
        {
            tensor.Shape = new TensorShapeProto();
            tensor.Shape.Dim.AddRange(shape.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        }

        return new TypeProto { TensorType = tensor };
    }
}
