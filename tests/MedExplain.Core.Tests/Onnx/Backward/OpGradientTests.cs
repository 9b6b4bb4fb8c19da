using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using MedExplain.TestUtilities;
using Xunit.Abstractions;

namespace MedExplain.Core.Tests.Onnx.Backward;

/// <summary>Every covered op's compiled gradient against central finite differences of the forward model, on small
/// hand-built models with strided, padded, dilated, grouped and ceil_mode variants in 2D and 3D.</summary>
public sealed class OpGradientTests(ITestOutputHelper output)
{
    private const int Opset = 17;

    public static TheoryData<string> Cases => [.. CaseBuilders.Keys];

    private static readonly Dictionary<string, Func<(TinyModelBuilder Model, int[] InputShape)>> CaseBuilders = new()
    {
        ["conv2d-stride2-asymmetric-pads"] = () => (Conv([1, 1, 7, 6], 2, [3, 3], ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 0, 2, 1 })), [1, 1, 7, 6]),
        ["conv2d-dilated-grouped-bias"] = () => (Conv([1, 4, 7, 7], 4, [3, 3], ("dilations", new long[] { 2, 2 }), ("group", 2L), ("pads", new long[] { 2, 2, 2, 2 })), [1, 4, 7, 7]),
        ["conv2d-same-upper-stride2"] = () => (Conv([1, 2, 7, 7], 3, [3, 3], ("strides", new long[] { 2, 2 }), ("auto_pad", "SAME_UPPER")), [1, 2, 7, 7]),
        ["conv2d-depthwise"] = () => (Conv([1, 3, 5, 5], 3, [3, 3], ("group", 3L), ("pads", new long[] { 1, 1, 1, 1 })), [1, 3, 5, 5]),
        ["conv3d-stride-pads"] = () => (Conv([1, 2, 5, 5, 4], 2, [3, 3, 2], ("strides", new long[] { 2, 1, 2 }), ("pads", new long[] { 1, 0, 1, 1, 1, 0 })), [1, 2, 5, 5, 4]),
        ["conv1d"] = () => (Conv([1, 2, 9], 3, [3], ("strides", new long[] { 2 })), [1, 2, 9]),
        ["maxpool2d-overlapping-k3s2p1"] = () => (Unary("MaxPool", ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 })), [1, 2, 7, 7]),
        ["maxpool2d-ceil"] = () => (Unary("MaxPool", ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }), ("ceil_mode", 1L)), [1, 1, 5, 5]),
        ["maxpool3d-dilated"] = () => (Unary("MaxPool", ("kernel_shape", new long[] { 2, 2, 2 }), ("dilations", new long[] { 2, 1, 1 }), ("pads", new long[] { 0, 1, 0, 1, 0, 0 })), [1, 1, 5, 4, 4]),
        ["avgpool2d-pads-exclude"] = () => (Unary("AveragePool", ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 })), [1, 2, 6, 7]),
        ["avgpool2d-pads-include"] = () => (Unary("AveragePool", ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }), ("count_include_pad", 1L)), [1, 2, 6, 7]),
        ["avgpool2d-ceil"] = () => (Unary("AveragePool", ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }), ("ceil_mode", 1L)), [1, 1, 5, 5]),
        ["avgpool3d"] = () => (Unary("AveragePool", ("kernel_shape", new long[] { 2, 2, 2 }), ("strides", new long[] { 2, 2, 2 })), [1, 1, 4, 4, 4]),
        ["global-average-and-max-pool"] = () => (new TinyModelBuilder(Opset).Input("x", null, 2, 3, 3).Output("y")
            .Node("GlobalAveragePool", ["x"], ["a"]).Node("GlobalMaxPool", ["x"], ["m"]).Node("Mul", ["a", "m"], ["y"]), [1, 2, 3, 3]),
        ["relu-leaky-prelu"] = () => (new TinyModelBuilder(Opset).Input("x", null, 2, 3, 3).Output("y")
            .Initializer("slope", [2, 1, 1], [0.2f, -0.3f])
            .Node("Relu", ["x"], ["r"]).Node("LeakyRelu", ["x"], ["l"], attributes: ("alpha", 0.1f)).Node("PRelu", ["x", "slope"], ["p"])
            .Node("Sum", ["r", "l", "p"], ["s"]).Node("Mul", ["s", "x"], ["y"]), [1, 2, 3, 3]),
        ["smooth-unary-ops"] = () => (new TinyModelBuilder(Opset).Input("x", null, 6).Output("y")
            .Node("Exp", ["x"], ["e"]).Node("Add", ["e", "one"], ["e1"]).Node("Log", ["e1"], ["softplus"])
            .Node("Sigmoid", ["x"], ["s"]).Node("Tanh", ["x"], ["t"]).Node("Erf", ["x"], ["erf"]).Node("Neg", ["t"], ["nt"])
            .Node("Mul", ["x", "x"], ["xx"]).Node("Add", ["xx", "one"], ["xx1"]).Node("Sqrt", ["xx1"], ["sq"])
            .Node("Div", ["s", "sq"], ["ratio"])
            .Node("Sum", ["softplus", "ratio", "nt", "erf"], ["y"])
            .Initializer("one", [], [1f]), [1, 6]),
        ["clip-bounds"] = () => (new TinyModelBuilder(Opset).Input("x", null, 8).Output("y")
            .Initializer("lo", [], [-0.2f]).Initializer("hi", [], [0.3f])
            .Node("Clip", ["x", "lo", "hi"], ["c"]).Node("Mul", ["c", "x"], ["y"]), [1, 8]),
        ["matmul-batched-both-operands"] = () => (new TinyModelBuilder(Opset).Input("x", null, 2, 3, 4).Output("y")
            .Initializer("w", [4, 5], Weights(20, 3))
            .Node("MatMul", ["x", "w"], ["xw"]).Node("Transpose", ["x"], ["xt"], attributes: ("perm", new long[] { 0, 1, 3, 2 }))
            .Node("MatMul", ["x", "xt"], ["xxt"]).Node("ReduceSum", ["xxt", "axis3"], ["rs"], attributes: ("keepdims", 1L))
            .Node("Mul", ["xw", "rs"], ["y"]).IntInitializer("axis3", [3]), [1, 2, 3, 4]),
        ["gemm-transposes-and-bias"] = () => (new TinyModelBuilder(Opset).Input("x", null, 2, 3).Output("y")
            .Initializer("w", [4, 6], Weights(24, 4)).Initializer("c", [4], Weights(4, 5))
            .Node("Flatten", ["x"], ["f"], attributes: ("axis", 1L))
            .Node("Gemm", ["f", "w", "c"], ["g"], attributes: [("transB", 1L), ("alpha", 0.7f), ("beta", 1.3f)])
            .Node("Gemm", ["g", "g2w"], ["y"], attributes: ("alpha", 1.5f))
            .Initializer("g2w", [4, 3], Weights(12, 6)), [1, 2, 3]),
        ["softmax-logsoftmax-reduce"] = () => (new TinyModelBuilder(Opset).Input("x", null, 3, 4).Output("y")
            .Node("Softmax", ["x"], ["s"], attributes: ("axis", 1L)).Node("LogSoftmax", ["x"], ["l"], attributes: ("axis", -1L))
            .Node("ReduceMean", ["l"], ["m"], attributes: [("axes", new long[] { 1 }), ("keepdims", 0L)])
            .Node("Unsqueeze", ["m", "axis1"], ["mu"]).Node("Mul", ["s", "mu"], ["y"]).IntInitializer("axis1", [1]), [1, 3, 4]),
        ["concat-pad-transpose-squeeze"] = () => (new TinyModelBuilder(Opset).Input("x", null, 2, 3).Output("y")
            .Node("Pad", ["x", "pads"], ["p"]).IntInitializer("pads", [0, 0, 1, 0, 0, 2])
            .Node("Concat", ["p", "x2"], ["c"], attributes: ("axis", 1L)).Node("Mul", ["x", "x"], ["x2pre"]).Node("Pad", ["x2pre", "pads"], ["x2"])
            .Node("Transpose", ["c"], ["t"], attributes: ("perm", new long[] { 0, 2, 1 }))
            .Node("Reshape", ["t", "shape"], ["y"]).IntInitializer("shape", [-1, 24]), [1, 2, 3]),
        ["convtranspose2d-stride2-pads-output-padding"] = () => (new TinyModelBuilder(Opset).Input("x", null, 2, 4, 4).Output("y")
            .Initializer("w", [2, 3, 3, 3], Weights(54, 7))
            .Node("ConvTranspose", ["x", "w"], ["t"], attributes: [("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }), ("output_padding", new long[] { 1, 1 })])
            .Node("Mul", ["t", "t"], ["y"]), [1, 2, 4, 4]),
        ["convtranspose3d-grouped"] = () => (new TinyModelBuilder(Opset).Input("x", null, 4, 3, 3, 3).Output("y")
            .Initializer("w", [4, 1, 2, 2, 2], Weights(32, 8))
            .Node("ConvTranspose", ["x", "w"], ["t"], attributes: [("strides", new long[] { 2, 2, 2 }), ("group", 2L)])
            .Node("Mul", ["t", "t"], ["y"]), [1, 4, 3, 3, 3]),
        ["convtranspose2d-same-upper"] = () => (new TinyModelBuilder(Opset).Input("x", null, 1, 3, 3).Output("y")
            .Initializer("w", [1, 2, 3, 3], Weights(18, 9))
            .Node("ConvTranspose", ["x", "w"], ["t"], attributes: [("strides", new long[] { 2, 2 }), ("auto_pad", "SAME_UPPER")])
            .Node("Mul", ["t", "t"], ["y"]), [1, 1, 3, 3]),
        ["slice-split-expand-where"] = () => (new TinyModelBuilder(Opset).Input("x", null, 4, 6).Output("y")
            .IntInitializer("starts", [1]).IntInitializer("ends", [5]).IntInitializer("axes", [2]).IntInitializer("parts", [1, 3]).IntInitializer("wide", [1, 3, 4])
            .Initializer("zero", [], [0f])
            .Node("Slice", ["x", "starts", "ends", "axes"], ["s"])
            .Node("Split", ["s", "parts"], ["a", "b"], attributes: ("axis", 1L))
            .Node("Expand", ["a", "wide"], ["e"])
            .Node("Greater", ["b", "zero"], ["positive"]).Node("Mul", ["b", "b"], ["bb"])
            .Node("Where", ["positive", "e", "bb"], ["w"]).Node("Mul", ["w", "b"], ["y"]), [1, 4, 6]),
        ["pow-base-and-exponent"] = () => (new TinyModelBuilder(Opset).Input("x", null, 6).Output("y")
            .Initializer("one", [], [1f]).Initializer("power", [], [1.5f]).Initializer("base", [], [1.7f])
            .Node("Mul", ["x", "x"], ["xx"]).Node("Add", ["xx", "one"], ["xx1"])
            .Node("Pow", ["xx1", "power"], ["p"]).Node("Pow", ["base", "x"], ["q"]).Node("Add", ["p", "q"], ["y"]), [1, 6]),
        ["layernorm"] = () => (new TinyModelBuilder(Opset).Input("x", null, 3, 4).Output("y")
            .Initializer("g", [4], [0.5f, 1.5f, -1, 2]).Initializer("b", [4], [0.1f, 0, -0.2f, 0.3f])
            .Node("LayerNormalization", ["x", "g", "b"], ["n"], attributes: [("axis", -1L), ("epsilon", 1e-3f)])
            .Node("Mul", ["n", "x"], ["y"]), [1, 3, 4]),
        ["instancenorm"] = () => (new TinyModelBuilder(Opset).Input("x", null, 2, 3, 3).Output("y")
            .Initializer("g", [2], [0.7f, -1.3f]).Initializer("b", [2], [0.1f, 0.2f])
            .Node("InstanceNormalization", ["x", "g", "b"], ["n"], attributes: ("epsilon", 1e-3f))
            .Node("Mul", ["n", "x"], ["y"]), [1, 2, 3, 3]),
        ["resize-linear-half-pixel-x2"] = () => (Resize([1, 2, 3, 4], "linear", ("coordinate_transformation_mode", "half_pixel"), scales: [1, 1, 2, 2]), [1, 2, 3, 4]),
        ["resize-linear-align-corners-3d"] = () => (Resize([1, 1, 3, 3, 2], "linear", ("coordinate_transformation_mode", "align_corners"), scales: [1, 1, 2, 1.5f, 2]), [1, 1, 3, 3, 2]),
        ["resize-nearest-asymmetric-floor"] = () => (Resize([1, 1, 3, 5], "nearest", ("coordinate_transformation_mode", "asymmetric"), scales: [1, 1, 2, 1.5f]), [1, 1, 3, 5]),
        ["resize-linear-fractional-scale"] = () => (Resize([1, 1, 4, 4], "linear", ("coordinate_transformation_mode", "pytorch_half_pixel"), scales: [1, 1, 1.5f, 0.75f]), [1, 1, 4, 4]),
        ["gather-repeated-and-negative-indices"] = () => (new TinyModelBuilder(Opset).Input("x", null, 4, 3).Output("y")
            .IntInitializer("rows", [2, 0, 2]).IntInitializer("column", [-1])
            .Node("Gather", ["x", "rows"], ["g"], attributes: ("axis", 1L)).Node("Gather", ["x", "column"], ["c"], attributes: ("axis", 2L))
            .Node("Mul", ["g", "g"], ["gg"]).Node("ReduceSum", ["c", "axis1"], ["cs"], attributes: ("keepdims", 1L))
            .Node("Mul", ["gg", "cs"], ["y"]).IntInitializer("axis1", [1]), [1, 4, 3]),
        ["batchnorm-inference"] = () => (new TinyModelBuilder(Opset).Input("x", null, 3, 2, 2).Output("y")
            .Initializer("g", [3], [0.5f, 1.5f, -1f]).Initializer("b", [3], [0.1f, 0, -0.2f])
            .Initializer("m", [3], [0.3f, -0.1f, 0]).Initializer("v", [3], [0.8f, 1.2f, 2f])
            .Node("BatchNormalization", ["x", "g", "b", "m", "v"], ["bn"], attributes: ("epsilon", 1e-3f))
            .Node("Mul", ["bn", "x"], ["y"]), [1, 3, 2, 2]),
        ["elu-selu-celu"] = () => (Activations(17, ("Elu", [("alpha", 0.7f)]), ("Selu", []), ("Celu", [("alpha", 1.3f)])), [1, 2, 8]),
        ["softplus-softsign-mish"] = () => (Activations(18, ("Softplus", []), ("Softsign", []), ("Mish", [])), [1, 2, 8]),
        ["hardsigmoid-hardswish"] = () => (Activations(14, ("HardSigmoid", [("alpha", 0.3f), ("beta", 0.4f)]), ("HardSwish", [])), [1, 2, 8]),
        ["gelu-exact-tanh-thresholded-relu"] = () => (Activations(20, ("Gelu", []), ("Gelu", [("approximate", "tanh")]), ("ThresholdedRelu", [("alpha", 0.5f)])), [1, 2, 8]),
        ["abs-reciprocal"] = () => (new TinyModelBuilder(Opset).Input("x", null, 8).Output("y").Initializer("one", [], [1f])
            .Node("Abs", ["x"], ["a"]).Node("Mul", ["x", "x"], ["xx"]).Node("Add", ["xx", "one"], ["xx1"]).Node("Reciprocal", ["xx1"], ["r"])
            .Node("Add", ["a", "r"], ["s"]).Node("Mul", ["s", "x"], ["y"]), [1, 8]),
        ["reduce-max-min-l2-sumsquare-logsumexp"] = () => (new TinyModelBuilder(Opset).Input("x", null, 3, 4).Output("y")
            .Node("ReduceMax", ["x"], ["max"], attributes: [("axes", new long[] { 2 }), ("keepdims", 0L)])
            .Node("ReduceMin", ["x"], ["min"], attributes: [("axes", new long[] { 2 }), ("keepdims", 0L)])
            .Node("ReduceL2", ["x"], ["l2"], attributes: [("axes", new long[] { 2 }), ("keepdims", 0L)])
            .Node("ReduceSumSquare", ["x"], ["ss"], attributes: [("axes", new long[] { 1 }), ("keepdims", 0L)])
            .Node("ReduceLogSumExp", ["x"], ["lse"], attributes: [("axes", new long[] { 2 }), ("keepdims", 0L)])
            .Node("Mul", ["max", "min"], ["mm"]).Node("Mul", ["mm", "l2"], ["mml"])
            .Node("Concat", ["mml", "ss", "lse"], ["y"], attributes: ("axis", 1L)), [1, 3, 4]),
        ["maxpool2d-overlapping-opset13"] = () => (Unary(13, "MaxPool", ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 })), [1, 2, 7, 7]),
        ["maxpool2d-dilated-ceil-opset11"] = () => (Unary(11, "MaxPool", ("kernel_shape", new long[] { 2, 3 }), ("strides", new long[] { 2, 1 }), ("dilations", new long[] { 1, 2 }), ("ceil_mode", 1L)), [1, 2, 6, 7]),
        ["maxpool3d-opset9"] = () => (Unary(9, "MaxPool", ("kernel_shape", new long[] { 3, 2, 2 }), ("strides", new long[] { 2, 1, 2 }), ("pads", new long[] { 1, 0, 1, 1, 1, 0 })), [1, 2, 5, 4, 5]),
        ["gather-repeated-opset13"] = () => (new TinyModelBuilder(13).Input("x", null, 4, 3).Output("y")
            .IntInitializer("rows", [2, 0, 2, -1])
            .Node("Gather", ["x", "rows"], ["g"], attributes: ("axis", 1L)).Node("Mul", ["g", "g"], ["y"]), [1, 4, 3]),
        ["pad-slice-clip-attributes-opset9"] = () => (new TinyModelBuilder(9).Input("x", null, 3, 4).Output("y")
            .Node("Pad", ["x"], ["p"], attributes: ("pads", new long[] { 0, 1, 0, 0, 0, 2 }))
            .Node("Slice", ["p"], ["s"], attributes: [("starts", new long[] { 1, 1 }), ("ends", new long[] { 4, 5 }), ("axes", new long[] { 1, 2 })])
            .Node("Clip", ["s"], ["c"], attributes: [("min", -0.3f), ("max", 0.4f)])
            .Node("Mul", ["c", "s"], ["y"]), [1, 3, 4]),
        ["groupnorm-per-group-scale-opset18"] = () => (new TinyModelBuilder(18).Input("x", null, 4, 3, 3).Output("y")
            .Initializer("g", [2], [0.7f, -1.3f]).Initializer("b", [2], [0.1f, 0.2f])
            .Node("GroupNormalization", ["x", "g", "b"], ["n"], attributes: [("num_groups", 2L), ("epsilon", 1e-3f)])
            .Node("Mul", ["n", "x"], ["y"]), [1, 4, 3, 3]),
        ["groupnorm-per-channel-scale-opset21"] = () => (new TinyModelBuilder(21).Input("x", null, 4, 3, 3).Output("y")
            .Initializer("g", [4], [0.7f, -1.3f, 1.1f, 0.4f]).Initializer("b", [4], [0.1f, 0.2f, 0, -0.3f])
            .Node("GroupNormalization", ["x", "g", "b"], ["n"], attributes: [("num_groups", 2L), ("epsilon", 1e-3f)])
            .Node("Mul", ["n", "x"], ["y"]), [1, 4, 3, 3]),
        ["axes-as-inputs-opset18"] = () => (new TinyModelBuilder(18).Input("x", null, 2, 4, 4).Output("y")
            .IntInitializer("spatial", [2, 3]).IntInitializer("rows", [2]).IntInitializer("pads", [1, 1]).IntInitializer("padAxes", [2])
            .Node("ReduceMean", ["x", "spatial"], ["m"], attributes: ("keepdims", 1L))
            .Node("ReduceMax", ["x", "rows"], ["mx"], attributes: ("keepdims", 1L))
            .Node("Pad", ["x", "pads", "", "padAxes"], ["p"])
            .Node("Split", ["p"], ["top", "bottom"], attributes: [("axis", 2L), ("num_outputs", 2L)])
            .Node("Mul", ["top", "m"], ["tm"]).Node("Mul", ["bottom", "mx"], ["bm"])
            .Node("Concat", ["tm", "bm"], ["y"], attributes: ("axis", 1L)), [1, 2, 4, 4]),
        ["maxpool-upsample-batchnorm-opset7-raised-to-9"] = () => (new TinyModelBuilder(7).Input("x", null, 2, 4, 4).Output("y")
            .Initializer("g", [2], [0.5f, 1.5f]).Initializer("b", [2], [0.1f, -0.2f]).Initializer("m", [2], [0.3f, -0.1f]).Initializer("v", [2], [0.8f, 1.2f])
            .Node("BatchNormalization", ["x", "g", "b", "m", "v"], ["bn"], attributes: [("epsilon", 1e-3f), ("spatial", 1L)])
            .Node("MaxPool", ["bn"], ["p"], attributes: [("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 })])
            .Node("Upsample", ["p"], ["u"], attributes: [("mode", "nearest"), ("scales", new[] { 1f, 1f, 2f, 2f })])
            .Node("Mul", ["u", "x"], ["y"]), [1, 2, 4, 4]),
        ["upsample-nearest-opset9"] = () => (new TinyModelBuilder(9).Input("x", null, 2, 3, 3).Output("y")
            .FloatsInitializer("scales", [1, 1, 2, 2])
            .Node("Upsample", ["x", "scales"], ["u"], attributes: ("mode", "nearest"))
            .Node("Mul", ["u", "u"], ["y"]), [1, 2, 3, 3]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_Op_GradientMatchesFiniteDifferences(string name)
    {
        (TinyModelBuilder builder, int[] inputShape) = CaseBuilders[name]();
        using var dir = new TempDirectory();
        using OnnxModel model = OnnxModel.Load(builder.Save(dir.File("op.onnx")));
        int size = (int)FloatTensor.ElementCount(inputShape);
        var input = new FloatTensor(inputShape, FiniteDifferences.WellSeparated(size, 0.05f, seed: name.Length));
        BackwardSession session = model.Backward(inputShape, new BackwardRequest("y", RuleSet.Gradient, ["x"], []));
        var seed = new FloatTensor(session.Graph.SeedShape, Weights((int)FloatTensor.ElementCount(session.Graph.SeedShape), 9));

        float[] compiled = session.Run(input, seed, [session.Graph.SignalOutputs["x"]])[0].Data;
        float[] numeric = FiniteDifferences.Gradient(model, input, "y", seed.Data, step: 2e-3f);

        double error = Numerics.RelativeL2(compiled, numeric);
        output.WriteLine($"{name}: relative L2 error against finite differences {error:E2}");
        Assert.True(error <= 2e-3, $"{name}: relative L2 error {error:E2}");
    }

    private static TinyModelBuilder Conv(int[] inputShape, int outChannels, long[] kernel, params (string, object)[] attributes)
    {
        long group = attributes.Where(a => a.Item1 == "group").Select(a => (long)a.Item2).FirstOrDefault(1);
        long[] weightShape = [outChannels, inputShape[1] / group, .. kernel];
        int count = (int)weightShape.Aggregate(1L, (p, d) => p * d);
        return new TinyModelBuilder(Opset)
            .Input("x", [null, .. inputShape.Skip(1).Select(d => (long?)d)])
            .Output("y")
            .Initializer("w", weightShape, Weights(count, 1))
            .Initializer("bias", [outChannels], Weights(outChannels, 2))
            .Node("Conv", ["x", "w", "bias"], ["c"], attributes: [.. attributes, ("kernel_shape", kernel)])
            .Node("Mul", ["c", "c"], ["y"]);
    }

    private static TinyModelBuilder Resize(int[] inputShape, string mode, (string, object) transformation, float[]? scales = null, long[]? sizes = null)
    {
        TinyModelBuilder builder = new TinyModelBuilder(Opset).Input("x", [null, .. inputShape.Skip(1).Select(d => (long?)d)]).Output("y");
        builder = scales is not null ? builder.FloatsInitializer("scales", scales) : builder.IntInitializer("sizes", sizes!);
        string[] inputs = scales is not null ? ["x", "", "scales"] : ["x", "", "", "sizes"];
        return builder.Node("Resize", inputs, ["r"], attributes: [("mode", mode), transformation])
            .Node("Mul", ["r", "r"], ["y"]);
    }

    private static TinyModelBuilder Unary(string op, params (string, object)[] attributes) => Unary(Opset, op, attributes);

    private static TinyModelBuilder Unary(int opset, string op, params (string, object)[] attributes) => new TinyModelBuilder(opset)
        .Input("x")
        .Output("y")
        .Node(op, ["x"], ["p"], attributes: attributes)
        .Node("Mul", ["p", "p"], ["y"]);

    /// <summary>y = x · Σ activation(2x), so that inputs reach the activations' kinks and tails.</summary>
    private static TinyModelBuilder Activations(int opset, params (string Op, (string, object)[] Attributes)[] activations)
    {
        TinyModelBuilder builder = new TinyModelBuilder(opset).Input("x", null, 2, 8).Output("y").Initializer("two", [], [2f])
            .Node("Mul", ["x", "two"], ["wide"]);
        string[] outputs = [.. activations.Select((_, i) => $"a{i}")];
        for (int i = 0; i < activations.Length; i++)
        {
            builder = builder.Node(activations[i].Op, ["wide"], [outputs[i]], attributes: activations[i].Attributes);
        }

        return builder.Node("Sum", outputs, ["s"]).Node("Mul", ["s", "x"], ["y"]);
    }

    private static float[] Weights(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1))];
    }

    [Fact]
    public void Compile_OpWithoutRule_NamesEveryOffendingNodeUpFront()
    {
        using var dir = new TempDirectory();
        string path = new TinyModelBuilder(Opset).Input("x", null, 4).Output("y")
            .Node("Cos", ["x"], ["c"], "first_cos").Node("Relu", ["c"], ["r"]).Node("Sin", ["r"], ["y"], "then_sin")
            .Save(dir.File("trig.onnx"));
        using OnnxModel model = OnnxModel.Load(path);

        var error = Assert.Throws<UnsupportedModelException>(() => model.Backward([1, 4], new BackwardRequest("y", RuleSet.Gradient, ["x"], [])));

        Assert.Equal([("first_cos", "Cos"), ("then_sin", "Sin")], error.Nodes);
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_GatherWithRuntimeIndices_SaysWhy()
    {
        using var dir = new TempDirectory();
        string path = new TinyModelBuilder(Opset).Input("x", null, 4).Output("y")
            .Node("ArgMax", ["x"], ["i"], attributes: [("axis", 1L), ("keepdims", 0L)]).Node("Gather", ["x", "i"], ["y"], "pick", ("axis", 1L))
            .Save(dir.File("gather.onnx"));
        using OnnxModel model = OnnxModel.Load(path);

        var error = Assert.Throws<UnsupportedModelException>(() => model.Backward([1, 4], new BackwardRequest("y", RuleSet.Gradient, ["x"], [])));

        Assert.Contains("'pick' (Gather): Gather 'pick' computes its indices at run time", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_DepthOneVolume_GivesTheSameGradientAsTheEquivalent2dModel()
    {
        using var dir = new TempDirectory();
        float[] weights = Weights(3 * 9, 12);
        using OnnxModel flat = OnnxModel.Load(new TinyModelBuilder(Opset).Input("x", null, 1, 5, 5).Output("y")
            .Initializer("w", [3, 1, 3, 3], weights).Node("Conv", ["x", "w"], ["c"], attributes: ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Relu", ["c"], ["r"]).Node("GlobalAveragePool", ["r"], ["p"]).Node("Flatten", ["p"], ["y"]).Save(dir.File("flat.onnx")));
        using OnnxModel volume = OnnxModel.Load(new TinyModelBuilder(Opset).Input("x", null, 1, 1, 5, 5).Output("y")
            .Initializer("w", [3, 1, 1, 3, 3], weights).Node("Conv", ["x", "w"], ["c"], attributes: ("pads", new long[] { 0, 1, 1, 0, 1, 1 }))
            .Node("Relu", ["c"], ["r"]).Node("GlobalAveragePool", ["r"], ["p"]).Node("Flatten", ["p"], ["y"]).Save(dir.File("volume.onnx")));
        float[] pixels = FiniteDifferences.WellSeparated(25, 0.1f, seed: 3);
        var seed = new FloatTensor([1, 3], [0.5f, -1, 2]);

        float[] Gradient(OnnxModel model, int[] shape)
        {
            BackwardSession session = model.Backward(shape, new BackwardRequest("y", RuleSet.Gradient, ["x"], []));
            return session.Run(new FloatTensor(shape, pixels), seed, [session.Graph.SignalOutputs["x"]])[0].Data;
        }

        Assert.Equal(Gradient(flat, [1, 1, 5, 5]), Gradient(volume, [1, 1, 1, 5, 5]), (a, b) => Math.Abs(a - b) < 1e-6f);
    }
}
