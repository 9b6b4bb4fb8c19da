using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Onnx;

/// <summary>Shapes at a large batch read off probes at batch 1, 2 and 3 equal those of a real probe at that batch, on
/// models that fold the batch into other axes (attention heads) and that reduce over it.</summary>
public sealed class BatchExtrapolationTests
{
    [Theory]
    [InlineData("tiny-vit.onnx")]
    [InlineData("vit.opset13.onnx")]
    [InlineData("shufflenet-v2.onnx")]
    [InlineData("smooth-head.onnx")]
    [InlineData("monai-unet-3d.onnx")]
    public void ProbeShapes_LargeBatch_EqualsARealProbe(string file)
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.TestData($"zoo/{file}"));
        int[] shape = [11, .. model.ProbeShape![1..]];

        ProbedShapes extrapolated = model.ProbeShapes(shape);
        ProbedShapes real = ShapeProbe.Run(model.Proto, model.FilePath, model.Runtime, model.ImageInput.Name, shape);

        Assert.Equal(real.ActivationBytes, extrapolated.ActivationBytes);
        Assert.Equal(real.Shapes.Count, extrapolated.Shapes.Count);
        foreach ((string name, int[] dims) in real.Shapes)
        {
            Assert.Equal(dims, extrapolated.Shapes[name]);
        }

        foreach ((string name, long[] values) in real.ShapeConstants)
        {
            Assert.Equal(values, extrapolated.ShapeConstants[name]);
        }
    }

    [Fact]
    public void At_ShapesNotAffineInTheBatch_GivesNull()
    {
        ProbedShapes Probe(int batch) => new(new Dictionary<string, int[]> { ["x"] = [batch * batch] }, 4L * batch * batch, new HashSet<string>(), new Dictionary<string, long[]>());

        Assert.Null(BatchExtrapolation.At(8, Probe(1), Probe(2), Probe(3)));
    }
}
