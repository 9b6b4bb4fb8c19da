namespace MedExplain.Batching;

/// <summary>Progress of a batched run: items done out of the total, and runs done so far.</summary>
/// <param name="ItemsDone">Items finished.</param>
/// <param name="ItemsTotal">Items in the whole job.</param>
/// <param name="Runs">Runtime calls made so far.</param>
public readonly record struct BatchProgress(int ItemsDone, int ItemsTotal, int Runs)
{
    /// <summary>Gets the fraction done, from 0 to 1.</summary>
    public double Fraction => ItemsTotal == 0 ? 1 : (double)ItemsDone / ItemsTotal;
}
