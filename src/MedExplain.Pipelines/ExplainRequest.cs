using MedExplain.Imaging;
using MedExplain.Methods;

namespace MedExplain.Pipelines;

/// <summary>What to explain: the model, the scan, the methods and their options.</summary>
/// <param name="ModelPath">The ONNX model.</param>
/// <param name="CardPath">A model card to use instead of the one beside the model, or null.</param>
/// <param name="InputPath">The scan: a file or a DICOM folder.</param>
/// <param name="Read">Which series or volume to read.</param>
/// <param name="Slice">For a 2D model and a volume: the slice; null for the middle one.</param>
/// <param name="Methods">The methods, or null for the card's recommended ones (else <see cref="Explainer.DefaultMethods"/>).</param>
/// <param name="Target">The class to explain (for a segmentation model: the class whose predicted region).</param>
/// <param name="Options">The methods' options.</param>
/// <param name="LesionMaskPath">A lesion mask on the scan's grid to outline, or null.</param>
/// <param name="Parameters">The parameters as given, for the record in reports.</param>
public sealed record ExplainRequest(
    string ModelPath,
    string? CardPath,
    string InputPath,
    ImageReadOptions Read,
    int? Slice,
    IReadOnlyList<string>? Methods,
    ClassTarget Target,
    AttributionOptions Options,
    string? LesionMaskPath,
    IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>Gets the occlusion window and stride as the user wrote them (voxels or millimetres).</summary>
    public OcclusionSizes Occlusion { get; init; } = new(null, null);

    /// <summary>Gets a label map on the scan's grid whose regions the region methods explain, or null.</summary>
    public string? FeatureMaskPath { get; init; }

    /// <summary>Gets typed methods with their own settings, run instead of <see cref="Methods"/> with
    /// <see cref="Options"/> when given (the request's occlusion sizes, label map and memory still apply).</summary>
    public IReadOnlyList<MethodSettings>? Settings { get; init; }

    /// <summary>Gets a CAV file from a concept study on this model (cavs.json), whose concepts are scored on the scan
    /// beside its maps, or null.</summary>
    public string? ConceptVectorsPath { get; init; }

    /// <summary>Gets how to measure the model's uncertainty about the scan (and, with test-time augmentation, each map's
    /// spread), or null.</summary>
    public UncertaintySettings? Uncertainty { get; init; }

    /// <summary>Gets the names of the label map's regions, or empty.</summary>
    public IReadOnlyDictionary<int, string> RegionNames { get; init; } = new Dictionary<int, string>();

    /// <summary>Gets an atlas on the scan's grid (any label map) whose regions the summary names, or null; without one, a
    /// feature mask (<see cref="FeatureMaskPath"/> with <see cref="RegionNames"/>) serves.</summary>
    public string? AtlasPath { get; init; }

    /// <summary>Gets the names of the atlas's regions, or empty (regions are then called by their labels).</summary>
    public IReadOnlyDictionary<int, string> AtlasNames { get; init; } = new Dictionary<int, string>();

    /// <summary>Gets a mask of a known confounder on the scan's grid (a marker, a ruler), whose share of the relevance
    /// the summary states, or null.</summary>
    public string? ConfounderMaskPath { get; init; }

    /// <summary>Gets what the confounder is, as the summary names it; null for the mask file's name ("marker-area.png":
    /// "marker area").</summary>
    public string? ConfounderName { get; init; }

    /// <summary>Gets a case index made with this model (<see cref="Cases.CaseIndex"/>), whose cases most like the scan the
    /// explanation shows, or null.</summary>
    public string? CaseIndexPath { get; init; }

    /// <summary>Gets how many similar cases to show.</summary>
    public int SimilarCount { get; init; } = 5;

    /// <summary>Gets the summary's sentences, or null for English.</summary>
    public Summaries.SummaryTemplates? SummaryTemplates { get; init; }
}

/// <summary>Occlusion window and stride, in voxels or millimetres of the model grid, known only once the scan is read.</summary>
/// <param name="Window">The window, or null for the options' (else the method's default).</param>
/// <param name="Stride">The stride, or null.</param>
public sealed record OcclusionSizes(Extent? Window, Extent? Stride);
