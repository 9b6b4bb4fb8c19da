using MedExplain.Models;

namespace MedExplain.Imaging;

/// <summary>How a concept example uses its mask.</summary>
public enum ConceptMaskUse
{
    /// <summary>The whole scan is the example.</summary>
    None,

    /// <summary>The scan cropped to the mask's bounding box plus a margin, resampled to the model's input.</summary>
    Crop,

    /// <summary>The whole scan with everything outside the mask set to the model input's zero (after normalisation: the
    /// scan's mean for a z-scored model), so only the concept's region carries the scan.</summary>
    KeepInside,
}

/// <summary>Makes a concept example a model's input: the scan whole, or its masked region (TCAV's concept images drawn
/// from segmentations).</summary>
public static class ConceptInput
{
    /// <summary>Prepares one concept example.</summary>
    /// <param name="scan">The scan.</param>
    /// <param name="mask">Its mask (any grid of the same space), or null when <paramref name="use"/> is None.</param>
    /// <param name="model">The model.</param>
    /// <param name="use">How the mask shapes the example.</param>
    /// <param name="margin">Voxels of the scan kept around the mask's bounding box when cropping.</param>
    /// <returns>The model-ready input (1, C, spatial…).</returns>
    /// <exception cref="MedExplainInputException">The scan or mask is unreadable, the mask is missing or empty.</exception>
    public static FloatTensor Prepare(string scan, string? mask, ModelInputSpec model, ConceptMaskUse use, int margin)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(model);
        if (use == ConceptMaskUse.None)
        {
            return ModelInputLoader.Prepare(scan, model).Batch;
        }

        if (mask is null)
        {
            throw new MedExplainInputException(scan, "has no mask beside it (NAME-mask.*), and its concept is drawn from masks.");
        }

        if (use == ConceptMaskUse.KeepInside)
        {
            PreparedScan whole = ModelInputLoader.Prepare(scan, model);
            float[] inside = whole.LabelsOnModelGrid(mask);
            FloatTensor batch = whole.Batch;
            int perChannel = inside.Length;
            for (int i = 0; i < batch.Data.Length; i++)
            {
                if (inside[i % perChannel] <= 0)
                {
                    batch.Data[i] = 0;
                }
            }

            return batch;
        }

        MedicalImage image = MedicalImageReader.Read(scan);
        (int[] from, int[] size) = BoundingBox(LabelMaps.OnScanGrid(mask, image), image.Dims, margin)
            ?? throw new MedExplainInputException(mask, "is empty: there is no region to crop the concept from.");
        return ModelInputLoader.Prepare(image.Crop(from, size), model).Batch;
    }

    /// <summary>The box holding every voxel above zero, grown by a margin and kept inside the image; null if none is.</summary>
    private static (int[] From, int[] Size)? BoundingBox(float[] labels, int[] dims, int margin)
    {
        int[] low = [int.MaxValue, int.MaxValue, int.MaxValue], high = [-1, -1, -1];
        for (int k = 0; k < dims[2]; k++)
        {
            for (int j = 0; j < dims[1]; j++)
            {
                for (int i = 0; i < dims[0]; i++)
                {
                    if (labels[i + (dims[0] * (j + (dims[1] * k)))] > 0)
                    {
                        int[] at = [i, j, k];
                        for (int a = 0; a < 3; a++)
                        {
                            low[a] = Math.Min(low[a], at[a]);
                            high[a] = Math.Max(high[a], at[a]);
                        }
                    }
                }
            }
        }

        if (high[0] < 0)
        {
            return null;
        }

        int[] from = [.. Enumerable.Range(0, 3).Select(a => Math.Max(0, low[a] - margin))];
        int[] size = [.. Enumerable.Range(0, 3).Select(a => Math.Min(dims[a] - 1, high[a] + margin) - from[a] + 1)];
        return (from, size);
    }
}
