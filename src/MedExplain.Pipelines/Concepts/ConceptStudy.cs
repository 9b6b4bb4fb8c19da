using MedExplain.Imaging;

namespace MedExplain.Pipelines.Concepts;

/// <summary>A concept given by examples: scans that show it, whole or by their masks.</summary>
/// <param name="Name">What clinicians call it ("burned-in marker", "ring enhancement").</param>
/// <param name="Images">The example scans.</param>
/// <param name="MaskUse">Whether each example is its scan whole, cropped to its mask (NAME-mask.* beside it), or the scan
/// with everything outside the mask set to zero.</param>
/// <param name="Margin">Voxels kept around the mask's bounding box when cropping.</param>
public sealed record ConceptSet(string Name, IReadOnlyList<string> Images, ConceptMaskUse MaskUse = ConceptMaskUse.None, int Margin = 4);

/// <summary>A continuous measure of each of a set of scans, for a regression concept vector.</summary>
/// <param name="Name">What it is ("lesion area").</param>
/// <param name="Images">The scans.</param>
/// <param name="Values">Each scan's value.</param>
/// <param name="Unit">Where the values came from, said in reports ("area from the masks", "CSV column 'area'").</param>
public sealed record MeasureSet(string Name, IReadOnlyList<string> Images, IReadOnlyList<double> Values, string Unit);

/// <summary>Everything a concept experiment compares: concepts, the random pool they are told apart from, the class's
/// examples whose decisions are explained, and continuous measures.</summary>
/// <param name="Concepts">The concepts.</param>
/// <param name="RandomPool">Scans of the same data set; random sets are drawn from it.</param>
/// <param name="Examples">Scans of the class whose dependence on the concepts is measured.</param>
/// <param name="Measures">Measures for regression concept vectors (may be empty).</param>
public sealed record ConceptStudy(IReadOnlyList<ConceptSet> Concepts, IReadOnlyList<string> RandomPool, IReadOnlyList<string> Examples, IReadOnlyList<MeasureSet> Measures)
{
    /// <summary>TCAV's usual number of random sets.</summary>
    public const int DefaultRandomSets = 20;

    /// <summary>TCAV's usual random set size.</summary>
    public const int DefaultRandomSetSize = 50;

    /// <summary>Gets how many random sets are drawn (the first is the random-vs-random baseline's counterpart).</summary>
    public int RandomSets { get; init; } = DefaultRandomSets;

    /// <summary>Gets how many scans each random set holds.</summary>
    public int RandomSetSize { get; init; } = DefaultRandomSetSize;

    /// <summary>Checks that the study can be run, naming the first part that cannot.</summary>
    /// <exception cref="MedExplainParameterException">Too few sets, scans or examples.</exception>
    public void Validate()
    {
        if (Concepts.Count == 0 && Measures.Count == 0)
        {
            throw new MedExplainParameterException("concepts", "lists no concept and no measure: there is nothing to test.");
        }

        if (Concepts.Count > 0 && RandomSets is < 3 or > 500)
        {
            throw new MedExplainParameterException("random sets", $"must be from 3 to 500 (two at least against the concept, and one for the random-vs-random baseline), not {RandomSets}.");
        }

        if (Concepts.Count > 0 && (RandomSetSize < 3 || RandomSetSize > RandomPool.Count))
        {
            throw new MedExplainParameterException("random set size", $"must be from 3 to the pool's {RandomPool.Count} scans, not {RandomSetSize}.");
        }

        if (Examples.Count < 2)
        {
            throw new MedExplainParameterException("examples", $"needs at least 2 scans of the class to explain, not {Examples.Count}.");
        }

        foreach (ConceptSet concept in Concepts.Where(c => c.Images.Count < 3))
        {
            throw new MedExplainParameterException("concepts", $"'{concept.Name}' has {concept.Images.Count} example scans; a CAV needs at least 3 to train and hold out.");
        }

        foreach (MeasureSet measure in Measures.Where(m => m.Images.Count < 6 || m.Images.Count != m.Values.Count))
        {
            throw new MedExplainParameterException("measures", $"'{measure.Name}' has {measure.Values.Count} values for {measure.Images.Count} scans; a regression concept vector needs one per scan and at least 6 for 3-fold cross-validation.");
        }
    }

    /// <summary>Draws the random sets: each a seeded sample without replacement from the pool (sets may share scans, as
    /// sets drawn from one data set do).</summary>
    /// <param name="seed">The seed.</param>
    public int[][] DrawRandomSets(int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, RandomSets).Select(_ =>
        {
            int[] order = [.. Enumerable.Range(0, RandomPool.Count)];
            for (int i = 0; i < RandomSetSize; i++)
            {
                int j = rng.Next(i, order.Length);
                (order[i], order[j]) = (order[j], order[i]);
            }

            return order[..RandomSetSize];
        })];
    }
}
