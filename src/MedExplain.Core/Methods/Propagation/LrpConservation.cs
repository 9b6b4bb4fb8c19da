using MedExplain.Onnx;
using MedExplain.Onnx.Backward;
using MedExplain.Prediction;
using Onnx;

namespace MedExplain.Methods.Propagation;

/// <summary>How much relevance reaches each layer: with a conservative rule set every layer's input holds the target score.</summary>
/// <param name="Tensor">The tensor (a linear layer's input, or the model input).</param>
/// <param name="Layer">The layer it feeds, or "input".</param>
/// <param name="RelevanceSum">Σ R over the tensor.</param>
/// <param name="Gap">RelevanceSum minus the target score: 0 for exact conservation.</param>
public sealed record LayerConservation(string Tensor, string Layer, double RelevanceSum, double Gap)
{
    /// <summary>Computes the relevance at the input of every linear layer (and the model input) for one item, in one compiled pass.</summary>
    /// <param name="model">The model.</param>
    /// <param name="item">One input item (batch of 1).</param>
    /// <param name="classIndex">The class explained.</param>
    /// <param name="method">An LRP method (lrp, lrp-epsilon, lrp-zplus, lrp-alpha-beta, deep-taylor).</param>
    /// <param name="options">The composite (for lrp), ε, z^B bounds and overrides.</param>
    /// <exception cref="MedExplainParameterException">The method is no LRP method.</exception>
    public static IReadOnlyList<LayerConservation> PerLayer(OnnxModel model, FloatTensor item, int classIndex, string method, AttributionOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(options);
        if (AttributionMethods.Engine(method, "method") is not LrpMethod lrp)
        {
            throw new MedExplainParameterException("method", $"the conservation check applies to the LRP methods, not to {method}.");
        }

        (model, RuleSet rules) = lrp.Prepare(model, options);
        string output = options.OutputName ?? model.ScoreOutput.Name;
        List<(string Tensor, string Layer)> layers = [(model.ImageInput.Name, "input"), .. LinearLayerInputs(model)];
        BackwardSession session = model.Backward(item.Shape, new BackwardRequest(output, rules, [.. layers.Select(l => l.Tensor).Distinct()], []));
        var seed = new FloatTensor(session.Graph.SeedShape);
        seed.Data[classIndex] = 1;
        string[] names = [.. layers.Select(l => session.Graph.SignalOutputs[l.Tensor]).Append(output)];
        FloatTensor[] results = session.Run(item, seed, names);
        double score = results[^1].Data[classIndex];
        return [.. layers.Select((l, n) =>
        {
            double sum = results[n].Data.Sum(v => (double)v);
            return new LayerConservation(l.Tensor, l.Layer, sum, sum - score);
        })];
    }

    private static IEnumerable<(string Tensor, string Layer)> LinearLayerInputs(OnnxModel model) =>
        LinearLayers.ReachedFromInput(model).Where(n => n.Input[0] != model.ImageInput.Name).Select(n => (n.Input[0], n.Name));
}
