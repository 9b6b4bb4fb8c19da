namespace MedExplain.Methods;

/// <summary>Which class activation map.</summary>
public enum CamKind
{
    /// <summary>The layer's mean activation (any class).</summary>
    ActivationMap,

    /// <summary>CAM: weighted by the classifier's weights.</summary>
    Cam,

    /// <summary>Grad-CAM: weighted by the mean gradient, positive part.</summary>
    GradCam,

    /// <summary>Grad-CAM++: pixel-wise weights.</summary>
    GradCamPlusPlus,
}

/// <summary>A class activation map: a layer's activations, weighted.</summary>
public sealed record ClassActivationMap : MethodSettings
{
    /// <inheritdoc/>
    public override string Name => Kind switch
    {
        CamKind.ActivationMap => "activation-map",
        CamKind.Cam => "cam",
        CamKind.GradCamPlusPlus => "grad-cam-pp",
        _ => "grad-cam",
    };

    /// <summary>Gets which map.</summary>
    /// <value>The default is Grad-CAM.</value>
    public CamKind Kind { get; init; } = CamKind.GradCam;

    /// <summary>Gets the activation weighted (a tensor name), or null for the card's, else the last before global pooling.</summary>
    public string? Layer { get; init; }

    /// <summary>Gets whether the map stays on the layer's grid instead of being upsampled to the input's.</summary>
    public bool AtLayerResolution { get; init; }

    private protected override AttributionOptions Apply(AttributionOptions options) => options with { Layer = Layer, CamAtLayerResolution = AtLayerResolution };
}

/// <summary>Guided Grad-CAM: Guided Backprop times Grad-CAM upsampled.</summary>
public sealed record GuidedGradCam : MethodSettings
{
    /// <inheritdoc/>
    public override string Name => "guided-grad-cam";

    /// <summary>Gets Grad-CAM's layer, or null for the default.</summary>
    public string? Layer { get; init; }

    private protected override AttributionOptions Apply(AttributionOptions options) => options with { Layer = Layer };
}
