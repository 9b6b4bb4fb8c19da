using MedExplain.Imaging.Samples;

namespace MedExplain.Imaging.Nifti;

/// <summary>The NIfTI datatype codes MedExplain reads, as a sample type and a sample count per voxel.</summary>
internal static class NiftiDataType
{
    /// <summary>Maps a datatype code, or fails naming the code.</summary>
    /// <param name="code">The header's datatype.</param>
    /// <param name="path">The file, for messages.</param>
    public static (SampleType Type, int Channels) Resolve(int code, string path) => code switch
    {
        2 => (SampleType.UInt8, 1),
        4 => (SampleType.Int16, 1),
        8 => (SampleType.Int32, 1),
        16 => (SampleType.Float32, 1),
        64 => (SampleType.Float64, 1),
        128 => (SampleType.UInt8, 3),
        256 => (SampleType.Int8, 1),
        512 => (SampleType.UInt16, 1),
        768 => (SampleType.UInt32, 1),
        1024 => (SampleType.Int64, 1),
        1280 => (SampleType.UInt64, 1),
        2304 => (SampleType.UInt8, 4),
        32 or 1792 or 2048 => throw new MedExplainInputException(path, $"holds complex voxels (datatype {code}); attribution needs real values."),
        1536 => throw new MedExplainInputException(path, "holds float128 voxels (datatype 1536), which MedExplain does not read."),
        _ => throw new MedExplainInputException(path, $"has an unknown NIfTI datatype code {code}."),
    };

    /// <summary>Gets the datatype code MedExplain writes for a sample type.</summary>
    /// <param name="type">The type.</param>
    public static short Code(SampleType type) => type switch
    {
        SampleType.UInt8 => 2,
        SampleType.Int16 => 4,
        SampleType.Float32 => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "MedExplain writes uint8, int16 or float32 NIfTI."),
    };
}
