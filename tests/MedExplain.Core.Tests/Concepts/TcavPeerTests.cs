using System.Text.Json;
using MedExplain.Concepts;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Concepts;

/// <summary>
/// MedExplain's CAVs and TCAV scores against Captum's on the same activations, split and gradients
/// (tools/peers/captum_tcav.py wrote tests/TestData/peers/tcav.json with Captum's DefaultClassifier, scikit-learn's
/// SGDClassifier, and TCAV._tcav_sub_computation). The two SGDs visit the examples in different random orders, so they can
/// agree only within the optimiser's own tolerance, measured as the spread of Captum's runs over 20 SGD seeds: MedExplain's
/// held-out accuracy and TCAV score lie within that range, and its CAV is at least as close to Captum's mean CAV as
/// Captum's least typical run.
/// </summary>
public sealed class TcavPeerTests
{
    private static readonly JsonElement Cases = JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("peers/tcav.json"))).RootElement.GetProperty("cases");

    public static TheoryData<int> CaseIndices => [.. Enumerable.Range(0, Cases.GetArrayLength())];

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void CavAndScore_AgreeWithCaptum(int index)
    {
        JsonElement c = Cases[index];
        int dims = c.GetProperty("dims").GetInt32();
        float[][] concept = Rows(c.GetProperty("concept"), dims), random = Rows(c.GetProperty("random"), dims), gradients = Rows(c.GetProperty("gradients"), dims);
        (float[] X, int Y)[] Split(string name) => [.. c.GetProperty(name).EnumerateArray().Select(p => p[1].GetInt32() == 1 ? (concept[p[0].GetInt32()], 1) : (random[p[0].GetInt32()], -1))];
        (float[] X, int Y)[] train = Split("train"), test = Split("test");

        ConceptVector cav = CavTrainer.Train(train, test, new CavOptions(), new Random(index));
        TcavScore score = Tcav.Score(gradients, cav);

        double[] accuracies = Doubles(c.GetProperty("captumAccuracies")), signCounts = Doubles(c.GetProperty("captumSignCounts"));
        float[] captum = [.. c.GetProperty("captumMeanDirection").EnumerateArray().Select(v => v.GetSingle())];
        double cosine = Cosine(cav.Direction, captum), leastCaptumCosine = c.GetProperty("captumLeastCosineToMean").GetDouble();
        Assert.InRange(cav.HeldOutAccuracy, accuracies.Min() - 1e-6, accuracies.Max() + 1e-6);
        Assert.InRange(score.Score, signCounts.Min() - 1e-6, signCounts.Max() + 1e-6);
        Assert.True(cosine >= leastCaptumCosine, $"cosine {cosine} to Captum's mean CAV; Captum's own runs reach {leastCaptumCosine}");
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
