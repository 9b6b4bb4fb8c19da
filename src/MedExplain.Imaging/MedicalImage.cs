using MedExplain.Imaging.Geometry;

namespace MedExplain.Imaging;

/// <summary>A scan as MedExplain works with it: float voxels, their place in the patient, and the metadata that matters.</summary>
/// <remarks>
/// Voxels are in NIfTI index order: i varies fastest, then j, then k, then the channel (planar colour).
/// For a DICOM image i is the column and j the row; 2D images have one slice (k = 0). Values are the
/// stored values after the rescale slope/intercept (Hounsfield units for CT), before any window.
/// Patient identity never enters a <see cref="MedicalImage"/>: readers copy only fields on an allow-list.
/// </remarks>
public sealed class MedicalImage
{
    /// <summary>Creates an image; checks that the voxel count matches the dimensions.</summary>
    /// <param name="dims">Voxel counts along i, j, k.</param>
    /// <param name="channels">Samples per voxel: 1 for grey, 3 for RGB.</param>
    /// <param name="voxels">The values, i fastest, channel slowest.</param>
    /// <param name="affine">Voxel index to world millimetres, RAS+.</param>
    /// <param name="metadata">Where the image came from and how to show it.</param>
    public MedicalImage(int[] dims, int channels, float[] voxels, Affine affine, ImageMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(dims);
        ArgumentNullException.ThrowIfNull(voxels);
        if (dims.Length != 3 || dims.Any(d => d < 1) || channels < 1)
        {
            throw new ArgumentException("An image has three dimensions (i, j, k) of at least 1 and at least one channel.", nameof(dims));
        }

        if ((long)dims[0] * dims[1] * dims[2] * channels != voxels.Length)
        {
            throw new ArgumentException($"{voxels.Length} voxels do not fill {dims[0]}×{dims[1]}×{dims[2]}×{channels}.", nameof(voxels));
        }

        Dims = dims;
        Channels = channels;
        Voxels = voxels;
        Affine = affine ?? throw new ArgumentNullException(nameof(affine));
        Metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
    }

    /// <summary>Gets the voxel counts along i, j, k.</summary>
    public int[] Dims { get; }

    /// <summary>Gets the samples per voxel.</summary>
    public int Channels { get; }

    /// <summary>Gets the values, i fastest, then j, k, channel.</summary>
    public float[] Voxels { get; }

    /// <summary>Gets the voxel-to-world matrix (RAS+, millimetres).</summary>
    public Affine Affine { get; }

    /// <summary>Gets the metadata.</summary>
    public ImageMetadata Metadata { get; }

    /// <summary>Gets the number of voxels in one channel.</summary>
    public int VoxelsPerChannel => Dims[0] * Dims[1] * Dims[2];

    /// <summary>Gets the voxel size along i, j, k in millimetres.</summary>
    public double[] Spacing => Affine.Spacing;

    /// <summary>Gets a value indicating whether the image has one slice.</summary>
    public bool Is2D => Dims[2] == 1;

    /// <summary>Gets the index of voxel (i, j, k) in channel 0.</summary>
    /// <param name="i">Column (fastest).</param>
    /// <param name="j">Row.</param>
    /// <param name="k">Slice.</param>
    public int Index(int i, int j, int k) => i + (Dims[0] * (j + (Dims[1] * k)));

    /// <summary>Whether this image lies on <paramref name="reference"/>'s grid: the same voxel counts, one channel, and,
    /// where the reference is placed in space, the same affine to within <paramref name="toleranceMm"/>.</summary>
    /// <param name="reference">The grid to match, usually the scan.</param>
    /// <param name="toleranceMm">The largest difference allowed in any affine entry.</param>
    public bool IsOnGridOf(MedicalImage reference, double toleranceMm = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return Dims.SequenceEqual(reference.Dims) && Channels == 1
            && (!reference.Metadata.HasGeometry || (Metadata.HasGeometry && Affine.MaxDifference(reference.Affine) <= toleranceMm));
    }

    /// <summary>Gets a copy with other voxels on the same grid, such as an attribution map.</summary>
    /// <param name="voxels">Values for one channel.</param>
    /// <param name="dataType">The data type the new values are reported as.</param>
    public MedicalImage WithVoxels(float[] voxels, string dataType = "float32") =>
        new(Dims, 1, voxels, Affine, Metadata with { DataType = dataType, Windows = [] });

    /// <summary>Gets the box of voxels from <paramref name="from"/> of <paramref name="size"/>, every channel, placed where
    /// it lies in the scan (the affine's origin moves to the box's first voxel).</summary>
    /// <param name="from">The box's first voxel (i, j, k).</param>
    /// <param name="size">The box's voxel counts along i, j, k.</param>
    /// <exception cref="ArgumentOutOfRangeException">The box leaves the image.</exception>
    public MedicalImage Crop(int[] from, int[] size)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(size);
        for (int a = 0; a < 3; a++)
        {
            if (from[a] < 0 || size[a] < 1 || from[a] + size[a] > Dims[a])
            {
                throw new ArgumentOutOfRangeException(nameof(size), $"The box {string.Join("×", size)} at {string.Join(",", from)} leaves the image of {string.Join("×", Dims)}.");
            }
        }

        var voxels = new float[(long)size[0] * size[1] * size[2] * Channels];
        int n = 0;
        for (int c = 0; c < Channels; c++)
        {
            for (int k = 0; k < size[2]; k++)
            {
                for (int j = 0; j < size[1]; j++)
                {
                    int start = (c * VoxelsPerChannel) + Index(from[0], from[1] + j, from[2] + k);
                    Voxels.AsSpan(start, size[0]).CopyTo(voxels.AsSpan(n, size[0]));
                    n += size[0];
                }
            }
        }

        var affine = Geometry.Affine.FromColumns(Affine.Column(0), Affine.Column(1), Affine.Column(2), Affine.Apply(from[0], from[1], from[2]));
        return new MedicalImage(size, Channels, voxels, affine, Metadata);
    }
}
