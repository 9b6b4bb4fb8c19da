using MedExplain.Onnx.Backward.Rules.Lrp;
using Onnx;

namespace MedExplain.Onnx.Backward.Rules;

/// <summary>
/// DeepLIFT RevealCancel for a linear layer whose only consumer is an element-wise nonlinearity f (which passes the
/// multiplier through; this rule does the work of both). The input difference Δx of each neuron is split into its
/// positive and negative contributions, Δx⁺ = W⁺Δa⁺ + W⁻Δa⁻ and Δx⁻ = W⁺Δa⁻ + W⁻Δa⁺; each gets the average impact
/// of adding it before and after the other, Δy⁺ = ½[f(x₀+Δx⁺) − f(x₀)] + ½[f(x₀+Δx⁻+Δx⁺) − f(x₀+Δx⁻)] (Δy⁻ likewise),
/// and multipliers m± = Δy±/Δx± (the gradient where Δx± is tiny) flow back to the inputs by the sign of their own Δa.
/// </summary>
/// <param name="nonlinearity">The element-wise node after the layer.</param>
/// <param name="gradient">The nonlinearity's gradient rule, the fallback.</param>
internal sealed class RevealCancelRule(NodeProto nonlinearity, IBackwardRule gradient) : IBackwardRule
{
    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        LrpLayer layer = LrpLayer.Require(node, emit);
        string mOut = outputSignals[0]!;
        string da = emit.Binary("Sub", layer.X, emit.Reference(layer.X));
        string daPositive = layer.Part(da, positive: true), daNegative = layer.Part(da, positive: false);
        string wPositive = layer.Part(layer.W, positive: true), wNegative = layer.Part(layer.W, positive: false);
        string Linear(string input, string weights) => layer.Forward(input, weights, null);
        string dxPositive = emit.Binary("Add", Linear(daPositive, wPositive), Linear(daNegative, wNegative));
        string dxNegative = emit.Binary("Add", Linear(daNegative, wPositive), Linear(daPositive, wNegative));

        string x0 = emit.Reference(layer.Z), y0 = emit.Reference(nonlinearity.Output[0]);
        string F(string input)
        {
            NodeProto copy = nonlinearity.Clone();
            copy.Input[0] = input;
            return emit.Clone(copy, emit.Shape(layer.Z));
        }

        string Half(string t) => emit.Binary("Mul", t, emit.Scalar(0.5f));
        string Add(string a, string b) => emit.Binary("Add", a, b);
        string Sub(string a, string b) => emit.Binary("Sub", a, b);
        string both = Add(Add(x0, dxPositive), dxNegative);
        string dyPositive = Add(Half(Sub(F(Add(x0, dxPositive)), y0)), Half(Sub(F(both), F(Add(x0, dxNegative)))));
        string dyNegative = Add(Half(Sub(F(Add(x0, dxNegative)), y0)), Half(Sub(F(both), F(Add(x0, dxPositive)))));

        // f'(x) for the neurons whose Δx⁺ or Δx⁻ is too small to divide by.
        string slope = gradient.Backward(nonlinearity, [emit.Expand(emit.Scalar(1), emit.Shape(layer.Z))], emit)[0]!;
        string Multiplier(string dy, string dx)
        {
            string tiny = emit.Binary("Less", emit.Unary("Abs", dx), emit.Scalar(DeepLiftRescaleRule.Tolerance));
            return emit.Where(tiny, slope, emit.Binary("Div", dy, emit.Where(tiny, emit.Scalar(1), dx)));
        }

        string sPositive = emit.Binary("Mul", mOut, Multiplier(dyPositive, dxPositive));
        string sNegative = emit.Binary("Mul", mOut, Multiplier(dyNegative, dxNegative));
        string whereInputRose = Add(layer.Transpose(sPositive, wPositive), layer.Transpose(sNegative, wNegative));
        string whereInputFell = Add(layer.Transpose(sNegative, wPositive), layer.Transpose(sPositive, wNegative));
        string zero = emit.Scalar(0);
        string multiplier = emit.Where(
            emit.Binary("Greater", da, zero),
            whereInputRose,
            emit.Where(emit.Binary("Less", da, zero), whereInputFell, Half(Add(whereInputRose, whereInputFell))));
        return layer.Signals(multiplier);
    }
}
