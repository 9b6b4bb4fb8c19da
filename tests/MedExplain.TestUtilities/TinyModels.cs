namespace MedExplain.TestUtilities;

/// <summary>Hand-built models whose outputs have closed forms.</summary>
public static class TinyModels
{
    /// <summary>Weights of <see cref="Linear"/>: 3 classes × 4 pixels.</summary>
    public static readonly float[] LinearWeights = [1, -2, 0.5f, 3, -1, 0, 2, 1, 0.25f, 0.75f, -0.5f, -2];

    /// <summary>Bias of <see cref="Linear"/>.</summary>
    public static readonly float[] LinearBias = [0.1f, -0.2f, 0.3f];

    /// <summary>x (N, 1, 2, 2) → Flatten → Gemm(W, b, transB) → logits (N, 3): logits = W·x + b.</summary>
    public static TinyModelBuilder Linear(long? batch = null) => new TinyModelBuilder()
        .Input("x", batch, 1, 2, 2)
        .Output("logits", batch, 3)
        .Initializer("W", [3, 4], LinearWeights)
        .Initializer("b", [3], LinearBias)
        .Node("Flatten", ["x"], ["flat"], attributes: ("axis", 1L))
        .Node("Gemm", ["flat", "W", "b"], ["logits"], attributes: ("transB", 1L));

    /// <summary>The closed form of <see cref="Linear"/> for one item of 4 pixels.</summary>
    public static float[] LinearLogits(ReadOnlySpan<float> pixels)
    {
        var logits = new float[3];
        for (int c = 0; c < 3; c++)
        {
            double sum = LinearBias[c];
            for (int p = 0; p < 4; p++)
            {
                sum += LinearWeights[(c * 4) + p] * pixels[p];
            }

            logits[c] = (float)sum;
        }

        return logits;
    }

    /// <summary>x (N,1,4,4) → Conv(2 ch, 3×3, pad 1) → Relu "cam_here" → Identity → pooling → Flatten → Gemm → logits (N, 2).</summary>
    /// <param name="pooling">GlobalAveragePool, GlobalMaxPool, ReduceMean-attribute (opset 13) or ReduceMean-input (opset 18).</param>
    public static TinyModelBuilder WithCamLayer(string pooling)
    {
        int opset = pooling == "ReduceMean-input" ? 18 : 13;
        TinyModelBuilder builder = new TinyModelBuilder(opset)
            .Input("x", null, 1, 4, 4)
            .Output("logits", null, 2)
            .Initializer("conv_w", [2, 1, 3, 3], [.. Enumerable.Range(0, 18).Select(i => (i % 5) - 2f)])
            .Initializer("fc_w", [2, 2], [1, -1, 0.5f, 2])
            .Node("Conv", ["x", "conv_w"], ["conv"], "conv", ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("Relu", ["conv"], ["cam_here"], "relu")
            .Node("Identity", ["cam_here"], ["cam_copy"], "identity");
        builder = pooling switch
        {
            "ReduceMean-attribute" => builder.Node("ReduceMean", ["cam_copy"], ["pooled"], "pool", ("axes", new long[] { 2, 3 }), ("keepdims", 1L)),
            "ReduceMean-input" => builder.IntInitializer("axes", [-2, -1]).Node("ReduceMean", ["cam_copy", "axes"], ["pooled"], "pool", ("keepdims", 1L)),
            _ => builder.Node(pooling, ["cam_copy"], ["pooled"], "pool"),
        };
        return builder
            .Node("Flatten", ["pooled"], ["flat"], attributes: ("axis", 1L))
            .Node("Gemm", ["flat", "fc_w"], ["logits"], attributes: ("transB", 1L));
    }
}
