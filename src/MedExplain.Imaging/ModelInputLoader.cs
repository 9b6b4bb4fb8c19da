using MedExplain.Imaging.Npy;
using MedExplain.Imaging.Transforms;
using MedExplain.Models;

namespace MedExplain.Imaging;

/// <summary>Turns an input file into the batch a model takes. NPY arrays are taken as model-ready (missing batch/channel axes
/// added); scans (DICOM, NIfTI, PNG/JPEG) go through the card's transform: reorient, resample, channels. Then the card's normalisation.</summary>
public static class ModelInputLoader
{
    /// <summary>Gets the file kinds this loader reads, for help texts and errors.</summary>
    public static string SupportedFormats => MedicalImageReader.SupportedFormats;

    /// <summary>Loads <paramref name="path"/> as a batch for <paramref name="model"/>.</summary>
    /// <param name="path">An NPY array, or a scan MedicalImageReader reads.</param>
    /// <param name="model">The model whose input (and card) shapes the result.</param>
    /// <param name="normalize">False when the file already holds model-ready values.</param>
    /// <exception cref="MedExplainInputException">The file is missing, unreadable, of an unsupported format, or does not fit the model.</exception>
    public static FloatTensor Load(string path, ModelInputSpec model, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        return IsNpy(path) ? Normalized(ReadArray(path, model), model, normalize) : Prepare(path, model, normalize).Batch;
    }

    /// <summary>Reads a scan for a model, keeping the scan and the transform that maps results back onto it.</summary>
    /// <param name="path">An NPY array, a scan file, or a DICOM folder.</param>
    /// <param name="model">The model.</param>
    /// <param name="normalize">False when the file already holds model-ready values.</param>
    /// <param name="read">Which series or volume to read.</param>
    /// <param name="slice">For a 2D model and a volume: the slice; null for the middle one.</param>
    public static PreparedScan Prepare(string path, ModelInputSpec model, bool normalize = true, ImageReadOptions? read = null, int? slice = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        MedicalImage scan;
        FloatTensor batch;
        ModelInputTransform transform;
        if (IsNpy(path))
        {
            batch = ReadArray(path, model);
            if (batch.BatchSize != 1)
            {
                throw new MedExplainInputException(path, $"holds {batch.BatchSize} items; give one scan.");
            }

            if (batch.Rank is not (4 or 5))
            {
                throw new MedExplainInputException(path, $"holds an array of shape {FloatTensor.FormatShape(batch.Shape)}, not an image batch (N, C, [D,] H, W).");
            }

            FloatTensor item = batch.Slice(0, 1);
            int[] volume = batch.Rank == 5 ? item.Shape[1..] : [item.Shape[1], 1, .. item.Shape[2..]];
            scan = MedicalImageReader.FromArray(item.Reshape(volume), path, "NPY", NpyReader.DataTypeName(path));
            transform = ModelInputTransform.Plan(scan, model);
        }
        else
        {
            return Prepare(MedicalImageReader.Read(path, read), model, normalize, slice);
        }

        return new PreparedScan(scan, transform, Normalized(batch, model, normalize));
    }

    /// <summary>Makes a scan already in memory (a crop, say) a model's input, keeping the transform.</summary>
    /// <param name="scan">The scan.</param>
    /// <param name="model">The model.</param>
    /// <param name="normalize">False when the scan already holds model-ready values.</param>
    /// <param name="slice">For a 2D model and a volume: the slice; null for the middle one.</param>
    public static PreparedScan Prepare(MedicalImage scan, ModelInputSpec model, bool normalize = true, int? slice = null)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(model);
        ModelInputTransform transform = ModelInputTransform.Plan(scan, model, slice);
        FloatTensor batch = transform.Apply(scan);
        model.Check(batch, scan.Metadata.Source);
        return new PreparedScan(scan, transform, Normalized(batch, model, normalize));
    }

    private static FloatTensor ReadArray(string path, ModelInputSpec model)
    {
        FloatTensor batch = AddMissingAxes(NpyReader.Read(path), model);
        model.Check(batch, path);
        return batch;
    }

    private static FloatTensor Normalized(FloatTensor batch, ModelInputSpec model, bool normalize) =>
        normalize && model.Card is { } card ? IntensityNormalizer.Apply(batch, card.Normalization) : batch;

    private static bool IsNpy(string path) => Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase);

    /// <summary>Accepts a single item without its batch axis, and a single-channel item without either axis.</summary>
    private static FloatTensor AddMissingAxes(FloatTensor tensor, ModelInputSpec model)
    {
        int rank = model.ShapeFor(1)?.Length ?? model.DeclaredDims.Count;
        bool singleChannel = model.ShapeFor(1) is [_, 1, ..];
        return (rank - tensor.Rank) switch
        {
            1 => tensor.Reshape([1, .. tensor.Shape]),
            2 when singleChannel => tensor.Reshape([1, 1, .. tensor.Shape]),
            _ => tensor,
        };
    }
}
