namespace MedExplain.Methods.Cam;

/// <summary>How a class activation map weights the channels of the chosen activation A (gradients G of the score).</summary>
internal enum CamVariant
{
    /// <summary>The channel mean of A: what the layer responds to, whatever the class.</summary>
    ActivationMap,

    /// <summary>CAM (Zhou et al., 2016): Σc w_kc·A_c with the linear head's weights, read as G·(positions) since the
    /// layer feeds global average pooling; refused when G is not spatially constant.</summary>
    Cam,

    /// <summary>Grad-CAM (Selvaraju et al., 2017): ReLU(Σc mean(G_c)·A_c).</summary>
    GradCam,

    /// <summary>Grad-CAM++ (Chattopadhay et al., 2018): per-position weights from G², G³ and Σ A.</summary>
    GradCamPlusPlus,
}
