using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Prediction;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Methods.Perturbation;

/// <summary>Occlusion against a slow literal version written here (one forward pass per window, Captum's averaging),
/// in 2D and 3D, with windows that do not tile the input evenly.</summary>
public sealed class OcclusionTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(false, "zeros")]
    [InlineData(false, "mean")]
    [InlineData(true, "zeros")]
    public void MatchesTheLiteralDefinition(bool volume, string baseline)
    {
        int[] shape = volume ? [2, 1, 5, 6, 7] : [2, 2, 7, 9];
        int[] window = volume ? [2, 2, 2] : [3, 4];
        int[] stride = volume ? [2, 2, 3] : [2, 3];
        using OnnxModel model = OnnxModel.Load(Net(shape, volume));
        var random = new Random(6);
        var x = new FloatTensor(shape);
        for (int i = 0; i < x.Data.Length; i++)
        {
            x.Data[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var options = new AttributionOptions { Window = window, Stride = stride, Baseline = baseline == "mean" ? BaselineKind.Mean : BaselineKind.Zeros };
        Attribution a = AttributionMethods.Get("occlusion").Attribute(model, x, ClassTarget.Class(1), options);

        float[] expected = Literal(model, x, window, stride, baseline == "mean", classIndex: 1);
        Assert.True(Numerics.MaxAbsDifference(expected, a.Values.Data) < 1e-5, $"largest difference {Numerics.MaxAbsDifference(expected, a.Values.Data)}");
        Assert.Contains(expected, v => v == 0); // the uncovered edge
    }

    /// <summary>For every window position (while the window fits), occlude all channels, run the model alone, and
    /// average the score drops over the windows covering each voxel.</summary>
    private static float[] Literal(OnnxModel model, FloatTensor x, int[] window, int[] stride, bool mean, int classIndex)
    {
        var predictor = new Predictor(model);
        int[] spatial = x.Shape[2..];
        int rank = spatial.Length, channels = x.Shape[1], plane = spatial.Aggregate(1, (a, b) => a * b);
        var result = new float[x.Data.Length];
        for (int item = 0; item < x.BatchSize; item++)
        {
            FloatTensor one = x.Slice(item, 1);
            float fill = mean ? one.Data.Average() : 0;
            float baseScore = predictor.Forward(one, "y").Data[classIndex];
            var sum = new double[plane];
            var count = new int[plane];
            int[] positions = [.. Enumerable.Range(0, rank).Select(d => ((spatial[d] - window[d]) / stride[d]) + 1)];
            for (int k = 0; k < positions.Aggregate(1, (a, b) => a * b); k++)
            {
                int[] start = new int[rank];
                for (int d = rank - 1, rest = k; d >= 0; d--)
                {
                    start[d] = rest % positions[d] * stride[d];
                    rest /= positions[d];
                }

                var occluded = new FloatTensor(one.Shape, [.. one.Data]);
                var inside = new List<int>();
                for (int v = 0; v < plane; v++)
                {
                    bool inWindow = true;
                    for (int d = rank - 1, rest = v; d >= 0; d--)
                    {
                        int at = rest % spatial[d];
                        rest /= spatial[d];
                        inWindow &= at >= start[d] && at < start[d] + window[d];
                    }

                    if (inWindow)
                    {
                        inside.Add(v);
                        for (int c = 0; c < channels; c++)
                        {
                            occluded.Data[(c * plane) + v] = fill;
                        }
                    }
                }

                double drop = baseScore - predictor.Forward(occluded, "y").Data[classIndex];
                foreach (int v in inside)
                {
                    sum[v] += drop;
                    count[v]++;
                }
            }

            for (int c = 0; c < channels; c++)
            {
                for (int v = 0; v < plane; v++)
                {
                    result[(item * channels * plane) + (c * plane) + v] = count[v] > 0 ? (float)(sum[v] / count[v]) : 0;
                }
            }
        }

        return result;
    }

    /// <summary>A small nonlinear net: Conv → ReLU → Conv → ReLU → global average → dense.</summary>
    private string Net(int[] shape, bool volume)
    {
        var random = new Random(3);
        int channels = shape[1], kernel = volume ? 27 : 9;
        float[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        long[] pads = volume ? [1, 1, 1, 1, 1, 1] : [1, 1, 1, 1];
        long[] kernelShape = volume ? [3, 3, 3] : [3, 3];
        long?[] input = [null, .. shape[1..].Select(d => (long?)d)];
        return new TinyModelBuilder(opset: 17).Input("x", input).Output("y", null, 3)
            .Initializer("w1", [4, channels, .. kernelShape], Values(4 * channels * kernel)).Initializer("b1", [4], Values(4))
            .Initializer("w2", [4, 4, .. kernelShape], Values(16 * kernel)).Initializer("w3", [4, 3], Values(12))
            .Node("Conv", ["x", "w1", "b1"], ["c1"], "c1", ("pads", pads)).Node("Relu", ["c1"], ["r1"], "r1")
            .Node("Conv", ["r1", "w2"], ["c2"], "c2", ("pads", pads)).Node("Relu", ["c2"], ["r2"], "r2")
            .Node("GlobalAveragePool", ["r2"], ["g"], "gap").Node("Flatten", ["g"], ["f"], "flatten").Node("Gemm", ["f", "w3"], ["y"], "dense")
            .Save(_temp.File(volume ? "net3d.onnx" : "net2d.onnx"));
    }
}
