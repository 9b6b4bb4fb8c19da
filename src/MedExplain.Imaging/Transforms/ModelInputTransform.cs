using System.Globalization;
using MedExplain.Imaging.Geometry;
using MedExplain.Models;

namespace MedExplain.Imaging.Transforms;

/// <summary>
/// The transform a model card declares, planned for one scan: reorient to the card's axes, take a slice for 2D
/// models of volumes, resample linearly to the model size, adapt channels. <see cref="MapBack"/> inverts it, so a map
/// computed on the model's grid lands on the scan's own voxels. Intensity normalisation is applied separately (it
/// does not move voxels).
/// </summary>
public sealed class ModelInputTransform
{
    private readonly int[] _scanDims;
    private readonly AxisReorientation? _reorientation;
    private readonly int[] _orientedDims;
    private readonly int? _slice;
    private readonly int[] _modelDims;
    private readonly int _channels;
    private readonly int _spatialRank;

    private ModelInputTransform(MedicalImage scan, AxisReorientation? reorientation, int? slice, int[] modelDims, int spatialRank, int channels, Affine modelAffine)
    {
        _spatialRank = spatialRank;
        _scanDims = scan.Dims;
        ScanAffine = scan.Affine;
        _reorientation = reorientation;
        _orientedDims = reorientation?.Dims(scan.Dims) ?? scan.Dims;
        _slice = slice;
        _modelDims = modelDims;
        _channels = channels;
        ModelAffine = modelAffine;
    }

    /// <summary>Gets the scan's affine, which maps written back by <see cref="MapBack"/> carry.</summary>
    public Affine ScanAffine { get; }

    /// <summary>Gets the affine of the model's grid (where each model voxel lies in the patient).</summary>
    public Affine ModelAffine { get; }

    /// <summary>Gets the model grid's voxel size in array order (D, H, W, or H, W for 2D models), in millimetres.</summary>
    public IReadOnlyList<double> ModelSpacing
    {
        get
        {
            double[] spacing = ModelAffine.Spacing; // i, j, k = W, H, D
            return _spatialRank == 2 ? [spacing[1], spacing[0]] : [spacing[2], spacing[1], spacing[0]];
        }
    }

    /// <summary>Gets the model grid dims (i, j, k) = (W, H, D); D is 1 for 2D models.</summary>
    public IReadOnlyList<int> ModelDims => _modelDims;

    /// <summary>Gets the slice of a volume a 2D model sees (along the reoriented k axis), or null.</summary>
    public int? Slice => _slice;

    /// <summary>Gets what the transform does, step by step, for reports.</summary>
    public IReadOnlyList<string> Steps { get; private init; } = [];

    /// <summary>Plans the transform of a scan for a model.</summary>
    /// <param name="scan">The scan.</param>
    /// <param name="model">What the model's input takes: its card (or, without one, its fixed dims) gives size, channels and orientation.</param>
    /// <param name="slice">For a 2D model and a volume: the slice to use along the model's third axis; null for the middle one.</param>
    /// <exception cref="MedExplainInputException">The scan cannot become this model's input.</exception>
    public static ModelInputTransform Plan(MedicalImage scan, ModelInputSpec model, int? slice = null)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(model);
        (int channels, int[] spatial, string? orientation) = Target(scan, model);
        var steps = new List<string>();
        AxisReorientation? reorientation = orientation is null || !scan.Metadata.HasGeometry ? null : AxisReorientation.Plan(scan.Affine, orientation);
        if (reorientation is { IsIdentity: true })
        {
            reorientation = null;
        }

        int[] dims = reorientation?.Dims(scan.Dims) ?? scan.Dims;
        Affine affine = reorientation?.Apply(scan.Affine, scan.Dims) ?? scan.Affine;
        if (reorientation is not null)
        {
            steps.Add($"reoriented {scan.Affine.AxisCodes} → {affine.AxisCodes} ({reorientation})");
        }

        int[] modelDims = spatial.Length == 2 ? [spatial[1], spatial[0], 1] : [spatial[2], spatial[1], spatial[0]];
        int? chosen = null;
        if (spatial.Length == 2 && dims[2] > 1)
        {
            chosen = slice ?? (dims[2] / 2);
            if (chosen < 0 || chosen >= dims[2])
            {
                throw new MedExplainInputException(scan.Metadata.Source, $"has {dims[2]} slices; slice {chosen} does not exist.");
            }

            affine = Affine.FromColumns(affine.Column(0), affine.Column(1), affine.Column(2), affine.Apply(0, 0, chosen.Value));
            steps.Add(string.Create(CultureInfo.InvariantCulture, $"slice {chosen} of {dims[2]} for a 2D model"));
            dims = [dims[0], dims[1], 1];
        }

        if (spatial.Length == 3 && dims[2] == 1 && modelDims[2] > 1)
        {
            throw new MedExplainInputException(scan.Metadata.Source, $"is a 2D image ({dims[0]}×{dims[1]}); the model takes volumes ({string.Join("×", spatial)}).");
        }

        if (!dims.SequenceEqual(modelDims))
        {
            steps.Add($"resampled {string.Join("×", dims)} → {string.Join("×", modelDims)} (linear)");
        }

        if (scan.Channels != channels)
        {
            if (!(scan.Channels == 3 && channels == 1) && !(scan.Channels == 1 && channels == 3))
            {
                throw new MedExplainInputException(scan.Metadata.Source, $"has {scan.Channels} channels; the model takes {channels}.");
            }

            steps.Add(channels == 1 ? "RGB to grey (luminance)" : "grey copied to 3 channels");
        }

        double[] scale = [.. Enumerable.Range(0, 3).Select(a => (double)dims[a] / modelDims[a])];
        var toSource = Affine.FromColumns(new Vector3d(scale[0], 0, 0), new Vector3d(0, scale[1], 0), new Vector3d(0, 0, scale[2]),
            new Vector3d((0.5 * scale[0]) - 0.5, (0.5 * scale[1]) - 0.5, (0.5 * scale[2]) - 0.5));
        return new ModelInputTransform(scan, reorientation, chosen, modelDims, spatial.Length, channels, affine.Multiply(toSource)) { Steps = steps };
    }

    /// <summary>Makes the model input (1, C, [D,] H, W), before intensity normalisation.</summary>
    /// <param name="scan">The scan the transform was planned for.</param>
    public FloatTensor Apply(MedicalImage scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        int count = scan.VoxelsPerChannel;
        var planes = new List<float[]>();
        for (int c = 0; c < scan.Channels; c++)
        {
            ReadOnlySpan<float> channel = scan.Voxels.AsSpan(c * count, count);
            float[] oriented = _reorientation?.Apply(channel, _scanDims) ?? channel.ToArray();
            int[] dims = _orientedDims;
            if (_slice is int k)
            {
                int plane = dims[0] * dims[1];
                oriented = oriented.AsSpan(k * plane, plane).ToArray();
                dims = [dims[0], dims[1], 1];
            }

            planes.Add(Resampler.Linear(oriented, dims, _modelDims));
        }

        if (planes.Count == 3 && _channels == 1)
        {
            planes = [[.. planes[0].Select((r, n) => (0.299f * r) + (0.587f * planes[1][n]) + (0.114f * planes[2][n]))]];
        }
        else if (planes.Count == 1 && _channels == 3)
        {
            planes = [planes[0], planes[0], planes[0]];
        }

        int[] spatial = _spatialRank == 2 ? [_modelDims[1], _modelDims[0]] : [_modelDims[2], _modelDims[1], _modelDims[0]];
        return new FloatTensor([1, _channels, .. spatial], [.. planes.SelectMany(p => p)]);
    }

    /// <summary>Puts a label map on the scan's grid (an atlas or segmentation) onto the model's grid: reoriented and sliced
    /// like the scan, resampled by nearest neighbour so labels never blend.</summary>
    /// <param name="labels">Labels on the scan's grid (first channel).</param>
    /// <returns>The labels on the model grid, W fastest (spatial shape of one model input).</returns>
    public float[] ApplyLabels(ReadOnlySpan<float> labels)
    {
        int count = _scanDims[0] * _scanDims[1] * _scanDims[2];
        float[] oriented = _reorientation?.Apply(labels[..count], _scanDims) ?? labels[..count].ToArray();
        int[] dims = _orientedDims;
        if (_slice is int k)
        {
            int plane = dims[0] * dims[1];
            oriented = oriented.AsSpan(k * plane, plane).ToArray();
            dims = [dims[0], dims[1], 1];
        }

        return Resampler.Nearest(oriented, dims, _modelDims);
    }

    /// <summary>Maps one channel of values on the model's grid back onto the scan's voxels (inverse resampling and reorientation).</summary>
    /// <param name="map">Values on the model grid, W fastest.</param>
    /// <returns>An image on the scan's grid with the scan's affine; a 2D model's map fills its slice, zeros elsewhere.</returns>
    public float[] MapBack(ReadOnlySpan<float> map)
    {
        int[] dims = _slice is null ? _orientedDims : [_orientedDims[0], _orientedDims[1], 1];
        float[] values = Resampler.Linear(map, _modelDims, dims);
        if (_slice is int k)
        {
            var volume = new float[_orientedDims[0] * _orientedDims[1] * _orientedDims[2]];
            values.CopyTo(volume, k * values.Length);
            values = volume;
        }

        return _reorientation?.Undo(values, _scanDims) ?? values;
    }

    private static (int Channels, int[] Spatial, string? Orientation) Target(MedicalImage scan, ModelInputSpec model)
    {
        if (model.Card is { } card)
        {
            return (card.Channels, [.. card.SpatialSize], card.Orientation);
        }

        int[]? shape = model.ShapeFor(1);
        if (shape is null || shape.Length is not (4 or 5))
        {
            // A model without a card and with free dims takes the scan at its own size.
            int[] own = scan.Is2D ? [scan.Dims[1], scan.Dims[0]] : [scan.Dims[2], scan.Dims[1], scan.Dims[0]];
            return (shape is { Length: > 1 } && shape[1] > 0 ? shape[1] : scan.Channels, own, null);
        }

        return (shape[1], shape[2..], null);
    }
}
