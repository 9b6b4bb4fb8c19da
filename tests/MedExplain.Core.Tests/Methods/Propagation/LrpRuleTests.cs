using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Prediction;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Methods.Propagation;

/// <summary>
/// Each LRP rule, compiled into ONNX, against a slow literal reference written here from the rule's definition in dense
/// matrix form, on random single layers (dense, 2D and 3D convolution, biases included). The layer's dense matrix is
/// read off ONNX Runtime's forward pass on unit inputs, so the reference shares no code with the compiler.
/// </summary>
public sealed class LrpRuleTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string layer in new[] { "dense", "conv2d", "conv3d", "relu-conv2d" })
        {
            foreach (string rule in new[] { "epsilon:0.01", "zero", "zplus", "alpha2-beta1", "gamma:0.25", "flat", "w-square", "zbox:-1.5:2" })
            {
                data.Add(layer, rule);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CompiledRuleMatchesItsLiteralDefinition(string layer, string rule)
    {
        var random = new Random(layer.Length * 31 + rule.Length);
        using OnnxModel model = OnnxModel.Load(SingleLayer(layer, random));
        int[] inputShape = model.InputShapeFor(1)!;
        var x = new FloatTensor(inputShape);
        for (int i = 0; i < x.Data.Length; i++)
        {
            x.Data[i] = (float)((random.NextDouble() * 3) - 1.5);
        }

        (double[,] w, double[] b) = DenseForm(model, inputShape);
        int outputs = b.Length;
        var seed = new FloatTensor([1, .. model.Outputs[0].Dimensions.Skip(1).Select(d => (int)d.Size!.Value)]);
        for (int j = 0; j < outputs; j++)
        {
            seed.Data[j] = (float)(random.NextDouble() + 0.2);
        }

        var options = new AttributionOptions { TargetMask = seed, RuleOverrides = new Dictionary<string, string> { ["layer"] = rule } };
        Attribution compiled = AttributionMethods.Get("lrp").Attribute(model, x, ClassTarget.Predicted, options);

        // After a ReLU the layer sees max(x, 0) (and rules may skip the terms of negative inputs); the map is the relevance
        // the ReLU hands through unchanged.
        double[] seen = [.. x.Data.Select(v => layer.StartsWith("relu", StringComparison.Ordinal) ? Math.Max(v, 0) : (double)v)];
        double[] expected = LiteralRule(rule, w, b, seen, [.. seed.Data.Select(v => (double)v)]);
        double scale = expected.Max(Math.Abs), worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - compiled.Values.Data[i]));
        }

        Assert.True(worst <= 1e-4 * scale + 1e-6, $"{layer} {rule}: largest difference {worst} (scale {scale})");
    }

    /// <summary>The rules in dense form: z_j = Σ_i W_ji x_i + b_j, R_j = seed_j · z_j at the output, R_i at the input.</summary>
    private static double[] LiteralRule(string rule, double[,] w, double[] b, double[] x, double[] seed)
    {
        int m = b.Length, n = x.Length;
        double[] z = [.. Enumerable.Range(0, m).Select(j => Enumerable.Range(0, n).Sum(i => w[j, i] * x[i]) + b[j])];
        double[] r = [.. Enumerable.Range(0, m).Select(j => seed[j] * z[j])];
        static double Pos(double v) => Math.Max(v, 0);
        static double Neg(double v) => Math.Min(v, 0);
        static double Stab(double v, double e) => v + (v < 0 ? -e : e);
        var result = new double[n];

        // result_i = Σ_j share(i, j) · R_j / stab(denominator_j)
        void Spread(Func<int, int, double> share, Func<int, double> denominator, double epsilon = 1e-6, double factor = 1, Func<int, bool>? where = null)
        {
            for (int j = 0; j < m; j++)
            {
                if (where is not null && !where(j))
                {
                    continue;
                }

                double s = r[j] / Stab(denominator(j), epsilon);
                for (int i = 0; i < n; i++)
                {
                    result[i] += factor * share(i, j) * s;
                }
            }
        }

        double Sum(Func<int, int, double> term, int j) => Enumerable.Range(0, n).Sum(i => term(i, j));
        string[] parts = rule.Split(':');
        switch (parts[0])
        {
            case "epsilon":
            case "zero":
                Spread((i, j) => x[i] * w[j, i], j => z[j], parts[0] == "zero" ? 1e-12 : double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                break;
            case "zplus":
            {
                double Share(int i, int j) => (Pos(x[i]) * Pos(w[j, i])) + (Neg(x[i]) * Neg(w[j, i]));
                Spread(Share, j => Sum(Share, j) + Pos(b[j]));
                break;
            }

            case "alpha2-beta1":
            {
                double Plus(int i, int j) => (Pos(x[i]) * Pos(w[j, i])) + (Neg(x[i]) * Neg(w[j, i]));
                double Minus(int i, int j) => (Pos(x[i]) * Neg(w[j, i])) + (Neg(x[i]) * Pos(w[j, i]));
                Spread(Plus, j => Sum(Plus, j) + Pos(b[j]), factor: 2);
                Spread(Minus, j => Sum(Minus, j) + Neg(b[j]), factor: -1);
                break;
            }

            case "gamma":
            {
                double g = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                double Up(int j, int i) => w[j, i] + (g * Pos(w[j, i]));
                double Down(int j, int i) => w[j, i] + (g * Neg(w[j, i]));
                double Plus(int i, int j) => (Pos(x[i]) * Up(j, i)) + (Neg(x[i]) * Down(j, i));
                double Minus(int i, int j) => (Pos(x[i]) * Down(j, i)) + (Neg(x[i]) * Up(j, i));
                Spread(Plus, j => Sum(Plus, j) + b[j] + (g * Pos(b[j])), where: j => z[j] > 0);
                Spread(Minus, j => Sum(Minus, j) + b[j] + (g * Neg(b[j])), where: j => z[j] < 0);
                break;
            }

            case "flat":
            {
                double Connected(int i, int j) => w[j, i] != 0 ? 1 : 0;
                Spread(Connected, j => Sum(Connected, j));
                break;
            }

            case "w-square":
            {
                double Squared(int i, int j) => w[j, i] * w[j, i];
                Spread(Squared, j => Sum(Squared, j) + (b[j] * b[j]));
                break;
            }

            case "zbox":
            {
                double low = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                double high = double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                double Share(int i, int j) => (x[i] * w[j, i]) - (low * Pos(w[j, i])) - (high * Neg(w[j, i]));
                Spread(Share, j => Sum(Share, j) + b[j] - Pos(b[j]) - Neg(b[j]));
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(rule));
        }

        return result;
    }

    /// <summary>Reads W and b off the forward pass: b = f(0), column i of W = f(e_i) − b.</summary>
    private static (double[,] W, double[] B) DenseForm(OnnxModel model, int[] inputShape)
    {
        int n = (int)FloatTensor.ElementCount(inputShape);
        var basis = new FloatTensor([n + 1, .. inputShape[1..]]);
        for (int i = 0; i < n; i++)
        {
            basis.Data[((i + 1) * n) + i] = 1;
        }

        FloatTensor y = new Predictor(model).Forward(basis, model.Outputs[0].Name);
        int m = y.ItemSize;
        double[] b = [.. y.Item(0).ToArray().Select(v => (double)v)];
        var w = new double[m, n];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> column = y.Item(i + 1);
            for (int j = 0; j < m; j++)
            {
                w[j, i] = column[j] - b[j];
            }
        }

        return (w, b);
    }

    private string SingleLayer(string layer, Random random)
    {
        float[] Random(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        var builder = new TinyModelBuilder();
        switch (layer)
        {
            case "dense":
                builder.Input("x", null, 7).Output("y", null, 4)
                    .Initializer("w", [7, 4], Random(28)).Initializer("b", [4], Random(4))
                    .Node("Gemm", ["x", "w", "b"], ["y"], "layer");
                break;
            case "conv2d":
                builder.Input("x", null, 2, 5, 6).Output("y", null, 3, 3, 3)
                    .Initializer("w", [3, 2, 3, 3], Random(54)).Initializer("b", [3], Random(3))
                    .Node("Conv", ["x", "w", "b"], ["y"], "layer", ("pads", new long[] { 1, 1, 1, 1 }), ("strides", new long[] { 2, 2 }));
                break;
            case "relu-conv2d":
                builder.Input("x", null, 2, 5, 6).Output("y", null, 3, 5, 6)
                    .Initializer("w", [3, 2, 3, 3], Random(54)).Initializer("b", [3], Random(3))
                    .Node("Relu", ["x"], ["r"], "relu")
                    .Node("Conv", ["r", "w", "b"], ["y"], "layer", ("pads", new long[] { 1, 1, 1, 1 }));
                break;
            default:
                builder.Input("x", null, 2, 4, 3, 3).Output("y", null, 2, 4, 3, 3)
                    .Initializer("w", [2, 2, 3, 3, 3], Random(108)).Initializer("b", [2], Random(2))
                    .Node("Conv", ["x", "w", "b"], ["y"], "layer", ("pads", new long[] { 1, 1, 1, 1, 1, 1 }));
                break;
        }

        return builder.Save(_temp.File(layer + ".onnx"));
    }
}
