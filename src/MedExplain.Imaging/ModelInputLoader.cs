using MedExplain.Imaging.Npy;
using MedExplain.Imaging.Raster;
using MedExplain.Imaging.Transforms;
using MedExplain.Onnx;

namespace MedExplain.Imaging;

/// <summary>Turns an input file into the batch a model takes: read, add missing batch/channel axes (NPY), normalise per the card.</summary>
public static class ModelInputLoader
{
    /// <summary>Gets the file kinds this loader reads, for help texts and errors.</summary>
    public static string SupportedFormats => ".npy, " + string.Join(", ", RasterReader.Extensions);

    /// <summary>Loads <paramref name="path"/> as a batch for <paramref name="model"/>.</summary>
    /// <param name="path">An NPY array or a PNG/JPEG/BMP/WebP image.</param>
    /// <param name="model">The model whose input (and card) shapes the result.</param>
    /// <param name="normalize">False when the file already holds model-ready values.</param>
    /// <exception cref="MedExplainInputException">The file is missing, unreadable, of an unsupported format, or does not fit the model.</exception>
    public static FloatTensor Load(string path, OnnxModel model, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        FloatTensor batch = Read(path);
        if (IsNpy(path))
        {
            batch = AddMissingAxes(batch, model);
        }

        InputShapeCheck.Check(model, batch, path);
        return normalize && model.Card is { } card ? IntensityNormalizer.Apply(batch, card.Normalization) : batch;
    }

    /// <summary>Reads an input file by its extension.</summary>
    /// <param name="path">The file.</param>
    public static FloatTensor Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (IsNpy(path))
        {
            return NpyReader.Read(path);
        }

        if (RasterReader.Extensions.Contains(Path.GetExtension(path)))
        {
            return RasterReader.Read(path);
        }

        if (!File.Exists(path))
        {
            throw new MedExplainInputException(path, "file not found.");
        }

        throw new MedExplainInputException(path, $"is of a format this command does not read (supported: {SupportedFormats}).");
    }

    private static bool IsNpy(string path) => Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase);

    /// <summary>Accepts a single item without its batch axis, and a single-channel item without either axis.</summary>
    private static FloatTensor AddMissingAxes(FloatTensor tensor, OnnxModel model)
    {
        int rank = model.InputShapeFor(1)?.Length ?? model.ImageInput.Rank;
        bool singleChannel = model.InputShapeFor(1) is [_, 1, ..];
        return (rank - tensor.Rank) switch
        {
            1 => tensor.Reshape([1, .. tensor.Shape]),
            2 when singleChannel => tensor.Reshape([1, 1, .. tensor.Shape]),
            _ => tensor,
        };
    }
}
