namespace MedExplain.Cli.Reports;

/// <summary>One sentence per method for reports: what its map shows, in words a clinician can use.</summary>
internal static class MethodGlossary
{
    private static readonly Dictionary<string, string> Sentences = new(StringComparer.Ordinal)
    {
        ["gradient"] = "How much the class score changes when each voxel changes a little (signed).",
        ["saliency"] = "The size of that change, ignoring direction: where the score is most sensitive.",
        ["input-x-gradient"] = "Sensitivity times the voxel's value: a first-order share of the score per voxel.",
        ["guided-backprop"] = "Gradient passed back only through positive signals: sharp edges of what excites the class.",
        ["deconvnet"] = "Signal passed back through the network's ReLUs in reverse: patterns the network responds to.",
        ["integrated-gradients"] = "Each voxel's share of the score's rise from a baseline (black) to the scan; the shares add up to that rise.",
        ["smoothgrad"] = "The gradient averaged over noisy copies of the scan: less speckle, same meaning.",
        ["smoothgrad-sq"] = "The mean square of gradients over noisy copies: where sensitivity is consistently high.",
        ["vargrad"] = "The variance of gradients over noisy copies: where the model's sensitivity is unstable.",
        ["expected-gradients"] = "Integrated Gradients averaged over baselines drawn from a background set of scans.",
        ["activation-map"] = "The mean activation of the last convolutional layer: where the network's features fire, for any class.",
        ["cam"] = "Class Activation Map: last-layer features weighted by the classifier's weights for the class.",
        ["grad-cam"] = "Last-layer features weighted by the class's average gradient, positive part: the regions that raise the score (coarse).",
        ["grad-cam-pp"] = "Grad-CAM with pixel-wise weights: better at several separate regions of one class.",
        ["guided-grad-cam"] = "Grad-CAM times Guided Backprop: the fine detail inside Grad-CAM's regions.",
        ["lrp"] = "Layer-wise relevance propagation: the class score handed back layer by layer to the voxels, by the composite's rules.",
        ["lrp-epsilon"] = "LRP with the ε rule everywhere: close to gradient × input, a little less noisy.",
        ["lrp-zplus"] = "LRP with the z⁺ rule everywhere: only what raised each neuron counts; positive, focused maps.",
        ["lrp-alpha-beta"] = "LRP α2β1: evidence for (red) and against (blue) the class, weighted two to one.",
        ["deep-taylor"] = "Deep Taylor decomposition: z⁺ through the network, bounded (z^B) at the input.",
        ["deeplift"] = "DeepLIFT: each voxel's share of the score's difference from a reference scan (black by default); shares add up to it.",
        ["deeplift-reveal-cancel"] = "DeepLIFT RevealCancel: like DeepLIFT, but positive and negative evidence that cancel inside a neuron are both shown.",
        ["patternnet"] = "PatternNet: the signal the network detects in the scan, estimated from data (needs fitted patterns).",
        ["pattern-attribution"] = "PatternAttribution: each voxel's contribution along the learned signal direction, ignoring distractors (needs fitted patterns).",
        ["occlusion"] = "Occlusion: how much the score drops when a window of the scan is covered, averaged over the windows covering each voxel.",
        ["feature-ablation"] = "Feature ablation: how much the score drops when each region (atlas label, segment or patch) is removed.",
        ["shapley-sampling"] = "Shapley value sampling: each region's average contribution over random orders of adding regions; the values add up to the score's change.",
        ["kernel-shap"] = "KernelSHAP: Shapley values of the regions fitted from random coalitions (exact when all are enumerated).",
        ["lime"] = "LIME: a local linear model of the score over superpixels (or regions), fitted to random coalitions; its coefficients are the map.",
        ["rise"] = "RISE: the average score of randomly masked copies of the scan, weighted by how much of each voxel each mask kept.",
        ["deepshap"] = "DeepSHAP: DeepLIFT averaged over a background set of scans, an estimate of Shapley values.",
    };

    public static string Describe(string method) => Sentences.GetValueOrDefault(method, string.Empty);
}
