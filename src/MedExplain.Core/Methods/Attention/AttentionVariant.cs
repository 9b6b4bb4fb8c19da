namespace MedExplain.Methods.Attention;

/// <summary>How the attention of the blocks becomes one map.</summary>
internal enum AttentionVariant
{
    /// <summary>The last block's attention, averaged over heads: where the class token looked last.</summary>
    Raw,

    /// <summary>Attention rollout (Abnar &amp; Zuidema, 2020): the product over blocks of ½Ā + ½I, the residual
    /// connection's share added to each block's head-mean attention. Class-independent.</summary>
    Rollout,

    /// <summary>Gradient-weighted rollout (Chefer, Gur &amp; Wolf, ICCV 2021): R ← R + Ā·R from the first block, with
    /// Ā the head mean of the positive part of ∇A ⊙ A, so that it depends on the explained class.</summary>
    GradientRollout,
}
