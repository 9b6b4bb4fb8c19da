using Onnx;

namespace MedExplain.Onnx.Backward.Rules.Lrp;

/// <summary>
/// LRP through products (Mul, Div, MatMul of two activations), so that relevance is conserved instead of counted once
/// per operand: scaling by a fixed operand passes relevance on in proportion (Zennit's Norm rule); a gate (an operand that
/// a sigmoid, tanh, erf or softmax produced, as in squeeze-excitation, SiLU, GELU and Mish) receives none and the signal
/// all of it, as Zennit and AttnLRP treat gating; a quotient's denominator (a norm's standard deviation) receives none;
/// any other product of two activations (attention's Q·Kᵀ and A·V) splits it in half (AttnLRP's uniform rule); a
/// constant divided by an activation is a function of that activation alone and passes relevance on.
/// </summary>
/// <param name="gradient">The op's gradient rule (the transposes).</param>
internal sealed class LrpProductRule(IBackwardRule gradient) : IBackwardRule
{
    private static readonly string[] Gates = ["Sigmoid", "HardSigmoid", "Tanh", "Erf", "Softmax", "Softsign"];

    public string?[] Backward(NodeProto node, string?[] outputSignals, BackwardEmitter emit)
    {
        bool[] varies = [emit.DependsOnInput(node.Input[0]), emit.DependsOnInput(node.Input[1])];
        if (node.OpType == "Div" && !varies[0] && varies[1])
        {
            // c / x is an element-wise function of x alone: like an activation, it passes the relevance on.
            return [null, emit.Unbroadcast(outputSignals[0]!, emit.Shape(node.Input[1]))];
        }

        float[] share = (node.OpType, varies[0], varies[1]) switch
        {
            (_, true, false) or ("Div", true, true) => [1, 0],
            (_, false, true) => [0, 1],
            (not "Div", true, true) when IsGate(node.Input[1], emit, 0) && !IsGate(node.Input[0], emit, 0) => [1, 0],
            (not "Div", true, true) when IsGate(node.Input[0], emit, 0) && !IsGate(node.Input[1], emit, 0) => [0, 1],
            (not "Div", true, true) => [0.5f, 0.5f],
            _ => [0, 0],
        };

        // Each operand's share of z = R ⊘ stab(z) carried back through the op's transpose, times the operand.
        string z = node.Output[0];
        string sign = emit.Where(emit.Binary("Less", z, emit.Scalar(0)), emit.Scalar(-1e-6f), emit.Scalar(1e-6f));
        string s = emit.Binary("Div", outputSignals[0]!, emit.Binary("Add", z, sign));
        string?[] transposed = gradient.Backward(node, [s], emit);
        var relevance = new string?[node.Input.Count];
        for (int i = 0; i < 2; i++)
        {
            if (share[i] > 0 && transposed[i] is { } t)
            {
                string r = emit.Binary("Mul", node.Input[i], t);
                relevance[i] = share[i] == 1 ? r : emit.Binary("Mul", r, emit.Scalar(share[i]));
            }
        }

        return relevance;
    }

    /// <summary>Whether a tensor is a gate: the output of a bounded activation, possibly shifted or scaled by constants
    /// (GELU's ½(1 + erf(x/√2))).</summary>
    private static bool IsGate(string tensor, BackwardEmitter emit, int depth)
    {
        if (depth > 4 || emit.Producer(tensor) is not { } producer)
        {
            return false;
        }

        if (Gates.Contains(producer.OpType))
        {
            return true;
        }

        if (producer.OpType is "Identity" or "Reshape" or "Unsqueeze" or "Squeeze" or "Flatten")
        {
            return IsGate(producer.Input[0], emit, depth + 1);
        }

        return producer.OpType is "Add" or "Sub" or "Mul" or "Div"
            && producer.Input.Count(i => emit.DependsOnInput(i)) == 1
            && IsGate(producer.Input.First(i => emit.DependsOnInput(i)), emit, depth + 1);
    }
}
