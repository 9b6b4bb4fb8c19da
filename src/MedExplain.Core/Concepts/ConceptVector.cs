namespace MedExplain.Concepts;

/// <summary>A concept activation vector (CAV): the normal of a linear boundary between a concept's activations and a
/// random set's, pointing toward the concept, with its intercept and the accuracy it reached on held-out examples.</summary>
/// <param name="Direction">The boundary's normal (not normalised), toward the concept.</param>
/// <param name="Intercept">The boundary's offset.</param>
/// <param name="HeldOutAccuracy">Accuracy on the held-out third of the examples.</param>
public sealed record ConceptVector(float[] Direction, double Intercept, double HeldOutAccuracy)
{
    /// <summary>Below this held-out accuracy a concept is not learnable at a layer, and is flagged rather than scored.</summary>
    public const double LearnableAccuracy = 0.7;

    /// <summary>Gets a value indicating whether the boundary separates the concept well enough to score it.</summary>
    public bool IsLearnable => HeldOutAccuracy >= LearnableAccuracy;
}

/// <summary>How a CAV is trained: by default a linear SVM by stochastic gradient descent on the hinge loss, as the TCAV
/// reference trains it (scikit-learn's SGDClassifier: α = 0.01, at most 1 000 epochs, stopping after 5 epochs without a loss
/// improvement of 1e-3 per example, the 'optimal' learning rate), on classes balanced by subsampling and a stratified
/// 67/33 split; deterministic for a seed.</summary>
/// <param name="Alpha">The L2 penalty.</param>
/// <param name="MaxEpochs">The most passes over the examples.</param>
/// <param name="Tolerance">The loss improvement per example that counts as progress.</param>
/// <param name="Seed">The seed of the split and the shuffles.</param>
/// <param name="Loss">The hinge loss (a linear SVM, TCAV's reference) or the logistic loss (logistic regression).</param>
public sealed record CavOptions(double Alpha = 0.01, int MaxEpochs = 1000, double Tolerance = 1e-3, int Seed = 0, CavLoss Loss = CavLoss.Hinge);

/// <summary>The loss a CAV's SGD minimises.</summary>
public enum CavLoss
{
    /// <summary>The hinge loss: a linear SVM, as TCAV's reference and Captum train CAVs.</summary>
    Hinge,

    /// <summary>The logistic loss: logistic regression (scikit-learn's SGDClassifier with loss="log_loss").</summary>
    Logistic,
}
