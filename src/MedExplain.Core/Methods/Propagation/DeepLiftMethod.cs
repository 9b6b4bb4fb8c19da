using MedExplain.Batching;
using MedExplain.Methods.Gradient;
using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using MedExplain.Prediction;

namespace MedExplain.Methods.Propagation;

/// <summary>
/// DeepLIFT (Rescale): attribution = (x − x_ref) ⊙ multipliers, the multipliers carried back by one compiled pass that
/// runs the forward pass on the input and on its reference together. With <paramref name="name"/> "deepshap" the
/// references are a background set and the attributions are averaged over them.
/// </summary>
/// <param name="name">deeplift or deeplift-reveal-cancel (reference: the options' baseline, zeros by default), or deepshap (the options' background).</param>
internal sealed class DeepLiftMethod(string name) : IAttributionMethod
{
    public string Name { get; } = name;

    public Attribution Attribute(OnnxModel model, FloatTensor inputs, ClassTarget target, AttributionOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        FloatTensor references = Name == "deepshap"
            ? options.Background ?? throw new MedExplainParameterException("background", "deepshap needs a background set of references (an NPY batch).")
            : Baselines.For(inputs, options);
        if (references.ItemSize != inputs.ItemSize)
        {
            throw new MedExplainParameterException("background", $"references of shape {FloatTensor.FormatShape(references.Shape.AsSpan(1))} do not match the input items {FloatTensor.FormatShape(inputs.Shape.AsSpan(1))}.");
        }

        // deeplift: one reference per item (its own baseline); deepshap: every background item for every input item.
        int perItem = Name == "deepshap" ? references.BatchSize : 1;
        int ReferenceOf(int pass) => Name == "deepshap" ? pass % perItem : pass;
        TargetScores targets = TargetScores.ForFixedTargets(model, inputs, target, options);
        int itemSize = inputs.ItemSize;
        var values = new FloatTensor(inputs.Shape);
        RuleSet rules = Name == "deeplift-reveal-cancel" ? RevealCancelRules.For(model) : RuleSet.DeepLiftRescale;
        new GradientPass(model, rules, options).Run(
            inputs.Shape[1..],
            inputs.BatchSize * perItem,
            (pass, destination) => inputs.Item(pass / perItem).CopyTo(destination),
            (pass, destination) => references.Item(ReferenceOf(pass)).CopyTo(destination),
            (pass, seed) => targets.WriteSeed(pass / perItem, seed),
            (pass, multipliers, score) =>
            {
                int item = pass / perItem;
                targets.Scores[item] = score;
                ReadOnlySpan<float> x = inputs.Item(item), reference = references.Item(ReferenceOf(pass));
                Span<float> output = values.Data.AsSpan(item * itemSize, itemSize);
                for (int i = 0; i < itemSize; i++)
                {
                    output[i] += (x[i] - reference[i]) * multipliers[i] / perItem;
                }
            },
            progress,
            cancellationToken);

        // Summation to delta: Σ attribution = f(x) − f(reference) (averaged over the references for deepshap).
        FloatTensor referenceOutputs = new Predictor(model, new PredictorOptions { MaxMemoryBytes = options.MaxMemoryBytes })
            .Forward(references, options.OutputName ?? model.ScoreOutput.Name, cancellationToken: cancellationToken);
        float[] gap = [.. Enumerable.Range(0, inputs.BatchSize).Select(item =>
        {
            double expected = targets.Scores[item] - Enumerable.Range(0, perItem).Average(r => targets.Dot(item, referenceOutputs.Item(ReferenceOf((item * perItem) + r))));
            return (float)(Sum(values.Item(item)) - expected);
        })];
        return new Attribution(Name, values, targets.Classes, targets.Scores, new Dictionary<Diagnostic, float[]> { [Diagnostic.SummationToDeltaGap] = gap });
    }

    private static double Sum(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        return sum;
    }
}
