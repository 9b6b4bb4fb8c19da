namespace MedExplain.Methods;

/// <summary>Which attention map.</summary>
public enum AttentionKind
{
    /// <summary>The last block's head-mean attention from the class token.</summary>
    Raw,

    /// <summary>Attention rollout (Abnar &amp; Zuidema, 2020): class-independent.</summary>
    Rollout,

    /// <summary>Gradient-weighted rollout (Chefer et al., ICCV 2021): for the explained class.</summary>
    GradientRollout,
}

/// <summary>An attention map of a vision transformer, read from the softmaxes of its blocks.</summary>
public sealed record AttentionMap : MethodSettings
{
    /// <inheritdoc/>
    public override string Name => Kind switch
    {
        AttentionKind.Raw => "raw-attention",
        AttentionKind.Rollout => "attention-rollout",
        _ => "gradient-rollout",
    };

    /// <summary>Gets which map.</summary>
    /// <value>The default is gradient rollout.</value>
    public AttentionKind Kind { get; init; } = AttentionKind.GradientRollout;

    /// <summary>Gets whether the map stays on the patch grid instead of being upsampled to the input's.</summary>
    public bool AtPatchResolution { get; init; }

    private protected override AttributionOptions Apply(AttributionOptions options) => options with { CamAtLayerResolution = AtPatchResolution };
}
