using System.Text.Json;
using MedExplain.Concepts;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Concepts;

/// <summary>
/// MedExplain's CAVs and TCAV scores against Captum's on the same activations, split and gradients
/// (tools/peers/captum_tcav.py wrote tests/TestData/peers/tcav.json with Captum's DefaultClassifier, scikit-learn's
/// SGDClassifier, and TCAV._tcav_sub_computation). The two SGDs visit the examples in different random orders, so single
/// runs agree only within the optimiser's own spread: both sides run 20 SGD seeds, their mean held-out accuracy and mean
/// TCAV score agree within three standard errors, and MedExplain's mean CAV is at least as close to Captum's as Captum's
/// least typical run. The logistic option is checked the same way against the same SkLearnSGDClassifier with
/// loss="log_loss".
/// </summary>
public sealed class TcavPeerTests
{
    private static readonly JsonElement Cases = JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("peers/tcav.json"))).RootElement.GetProperty("cases");

    public static TheoryData<int, CavLoss> CaseIndices
    {
        get
        {
            var data = new TheoryData<int, CavLoss>();
            foreach (int i in Enumerable.Range(0, Cases.GetArrayLength()))
            {
                data.Add(i, CavLoss.Hinge);
                data.Add(i, CavLoss.Logistic);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void CavAndScore_AgreeWithCaptum(int index, CavLoss loss)
    {
        JsonElement c = Cases[index];
        int dims = c.GetProperty("dims").GetInt32();
        float[][] concept = Rows(c.GetProperty("concept"), dims), random = Rows(c.GetProperty("random"), dims), gradients = Rows(c.GetProperty("gradients"), dims);
        (float[] X, int Y)[] Split(string name) => [.. c.GetProperty(name).EnumerateArray().Select(p => p[1].GetInt32() == 1 ? (concept[p[0].GetInt32()], 1) : (random[p[0].GetInt32()], -1))];
        (float[] X, int Y)[] train = Split("train"), test = Split("test");

        // 20 seeds on each side, as the peer ran: the means agree within three standard errors of their difference.
        ConceptVector[] cavs = [.. Enumerable.Range(0, Seeds).Select(seed => CavTrainer.Train(train, test, new CavOptions(Loss: loss), new Random(seed)))];
        double[] accuracies = [.. cavs.Select(v => v.HeldOutAccuracy)], signCounts = [.. cavs.Select(v => Tcav.Score(gradients, v).Score)];

        JsonElement peer = c.GetProperty(loss == CavLoss.Hinge ? "captum" : "logistic");
        AssertSameMean("held-out accuracy", accuracies, Doubles(peer.GetProperty("accuracies")));
        AssertSameMean("TCAV score", signCounts, Doubles(peer.GetProperty("signCounts")));
        float[] peerDirection = [.. peer.GetProperty("meanDirection").EnumerateArray().Select(v => v.GetSingle())];
        float[] ours = MeanUnit(cavs);
        double cosine = Cosine(ours, peerDirection), leastPeerCosine = peer.GetProperty("leastCosineToMean").GetDouble();
        Assert.True(cosine >= leastPeerCosine, $"cosine {cosine} between the mean CAVs; the peer's least typical run reaches {leastPeerCosine}");
    }

    private const int Seeds = 20;

    private static void AssertSameMean(string what, double[] ours, double[] peer)
    {
        double se = Math.Sqrt((Variance(ours) / ours.Length) + (Variance(peer) / peer.Length));
        double difference = Math.Abs(ours.Average() - peer.Average());
        Assert.True(difference <= (3 * se) + 1e-9, $"{what}: mean {ours.Average():0.000} against the peer's {peer.Average():0.000} (3 standard errors: {3 * se:0.000})");
    }

    private static double Variance(double[] values) => values.Sum(v => (v - values.Average()) * (v - values.Average())) / (values.Length - 1);

    private static float[] MeanUnit(ConceptVector[] cavs)
    {
        var sum = new double[cavs[0].Direction.Length];
        foreach (float[] d in cavs.Select(v => v.Direction))
        {
            double norm = Math.Sqrt(d.Sum(x => (double)x * x));
            for (int j = 0; j < sum.Length; j++)
            {
                sum[j] += d[j] / norm;
            }
        }

        return [.. sum.Select(v => (float)v)];
    }

    private static double[] Doubles(JsonElement values) => [.. values.EnumerateArray().Select(v => v.GetDouble())];

    private static float[][] Rows(JsonElement values, int dims)
    {
        float[] all = [.. values.EnumerateArray().Select(v => v.GetSingle())];
        return [.. all.Chunk(dims)];
    }

    private static double Cosine(float[] a, float[] b) =>
        a.Zip(b, (p, q) => (double)p * q).Sum() / Math.Sqrt(a.Sum(v => (double)v * v) * b.Sum(v => (double)v * v));
}
