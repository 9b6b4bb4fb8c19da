namespace MedExplain.Onnx.Backward.Rules;

/// <summary>The exact-gradient rule of every covered op type.</summary>
internal static class GradientRules
{
    public static IReadOnlyDictionary<string, IBackwardRule> All { get; } = Build();

    private static Dictionary<string, IBackwardRule> Build()
    {
        var passThrough = new PassThroughRule();
        var reshape = new ReshapeRule();
        var addSub = new AddSubRule();
        var reduce = new ReduceRule();
        var none = new NoGradientRule();
        var rules = new Dictionary<string, IBackwardRule>
        {
            ["Identity"] = passThrough,
            ["Dropout"] = passThrough,
            ["Cast"] = passThrough,
            ["Reshape"] = reshape,
            ["Flatten"] = reshape,
            ["Squeeze"] = reshape,
            ["Unsqueeze"] = reshape,
            ["Relu"] = new ReluRule(),
            ["LeakyRelu"] = new LeakyReluRule(),
            ["PRelu"] = new PReluRule(),
            ["Sigmoid"] = new SigmoidRule(),
            ["Tanh"] = new TanhRule(),
            ["Exp"] = new ExpRule(),
            ["Log"] = new LogRule(),
            ["Sqrt"] = new SqrtRule(),
            ["Erf"] = new ErfRule(),
            ["Neg"] = new NegRule(),
            ["Clip"] = new ClipRule(),
            ["Add"] = addSub,
            ["Sub"] = addSub,
            ["Sum"] = new SumRule(),
            ["Mul"] = new MulRule(),
            ["Div"] = new DivRule(),
            ["Gemm"] = new GemmRule(),
            ["MatMul"] = new MatMulRule(),
            ["Conv"] = new ConvRule(),
            ["MaxPool"] = new MaxPoolRule(),
            ["AveragePool"] = new AveragePoolRule(),
            ["GlobalAveragePool"] = new GlobalAveragePoolRule(),
            ["GlobalMaxPool"] = new GlobalMaxPoolRule(),
            ["BatchNormalization"] = new BatchNormalizationRule(),
            ["Concat"] = new ConcatRule(),
            ["Pad"] = new PadRule(),
            ["Transpose"] = new TransposeRule(),
            ["Softmax"] = new SoftmaxRule(),
            ["LogSoftmax"] = new LogSoftmaxRule(),
            ["ReduceMean"] = reduce,
            ["ReduceSum"] = reduce,
            ["ConvTranspose"] = new ConvTransposeRule(),
            ["Slice"] = new SliceRule(),
            ["Split"] = new SplitRule(),
            ["Expand"] = new ExpandRule(),
            ["Where"] = new WhereRule(),
            ["Pow"] = new PowRule(),
            ["LayerNormalization"] = new LayerNormalizationRule(),
            ["InstanceNormalization"] = new InstanceNormalizationRule(),
            ["Resize"] = new ResizeRule(),
            ["Gather"] = new GatherRule(),
            ["Upsample"] = new ResizeRule(),
        };
        var elu = new EluRule();
        var softplus = new SoftplusRule();
        var hard = new HardSigmoidRule();
        var gelu = new GeluRule();
        var abs = new AbsRule();
        var extreme = new ReduceExtremeRule();
        foreach ((string op, IBackwardRule rule) in new (string, IBackwardRule)[]
        {
            ("Elu", elu), ("Selu", elu), ("Celu", elu), ("Softplus", softplus), ("Softsign", softplus), ("Mish", softplus),
            ("HardSigmoid", hard), ("HardSwish", hard), ("Gelu", gelu), ("ThresholdedRelu", gelu), ("Abs", abs), ("Reciprocal", abs),
            ("ReduceMax", extreme), ("ReduceMin", extreme), ("ReduceL2", extreme), ("ReduceSumSquare", extreme), ("ReduceLogSumExp", extreme),
        })
        {
            rules[op] = rule;
        }

        foreach (string op in OpFacts.WithoutGradient)
        {
            rules[op] = none;
        }

        return rules;
    }
}
