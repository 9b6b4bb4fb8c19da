using System.Collections.Concurrent;
using MedExplain.Imaging;
using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Nifti;
using MedExplain.Imaging.Rendering;
using MedExplain.Imaging.Samples;

namespace MedExplain.Server;

/// <summary>
/// Scans, maps and outlines as the viewer loads them: read by our readers (any format they take) and written as gzipped
/// NIfTI by our writer, so the viewer places every layer by the same affine the reports use. Kept in memory, a bounded
/// number at a time, because a rater steps through the same few volumes again and again.
/// </summary>
internal sealed class VolumeCache
{
    private const int MaxEntries = 64;

    private readonly ConcurrentDictionary<string, Lazy<object>> _entries = new(StringComparer.Ordinal);

    /// <summary>The image's first channel as .nii.gz bytes.</summary>
    public byte[] Nifti(string path) => Get($"nifti\n{path}", () => Gzipped(FirstChannel(MedicalImageReader.Read(path))));

    /// <summary>The outline of a mask or label map (<see cref="LabelOutline"/>) as .nii.gz bytes, labels kept.</summary>
    public byte[] Outline(string path) => Get($"outline\n{path}", () =>
    {
        MedicalImage labels = FirstChannel(MedicalImageReader.Read(path));
        return Gzipped(labels.WithVoxels(LabelOutline.Of(labels.Voxels, labels.Dims)), SampleType.Int16);
    });

    /// <summary>A map's colour scale as the reports draw it (robust |max|, diverging when any value is negative).</summary>
    public ColourScale Scale(string path) => Get($"scale\n{path}", () =>
    {
        float[] map = FirstChannel(MedicalImageReader.Read(path)).Voxels;
        return ColourScale.Of([map], carriesSign: map.Any(v => v < 0));
    });

    /// <summary>An image as .nii.gz bytes.</summary>
    public static byte[] Gzipped(MedicalImage image, SampleType type = SampleType.Float32)
    {
        using var bytes = new MemoryStream();
        NiftiWriter.WriteTo(bytes, image, compress: true, type, "MedExplain viewer");
        return bytes.ToArray();
    }

    private static MedicalImage FirstChannel(MedicalImage image) => image.Channels == 1 ? image : image.WithVoxels(image.Voxels[..image.VoxelsPerChannel]);

    private T Get<T>(string key, Func<T> make)
        where T : notnull
    {
        if (_entries.Count >= MaxEntries && !_entries.ContainsKey(key))
        {
            _entries.Clear();
        }

        return (T)_entries.GetOrAdd(key, _ => new Lazy<object>(() => make())).Value;
    }
}
