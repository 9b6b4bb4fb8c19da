using System.Text.Json;
using MedExplain.Imaging.Geometry;
using MedExplain.Imaging.Nifti;
using MedExplain.Imaging.Npy;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests.Nifti;

/// <summary>NIfTI files nibabel writes read back with nibabel's values and affine, and the reverse.</summary>
public sealed class NiftiInteropTests
{
    private static readonly string Script = Path.Combine(RepoPaths.Root, "tests", "MedExplain.Imaging.Tests", "Nifti", "nibabel_cases.py");

    [SkippableTheory]
    [InlineData("scaled-int16.nii")]
    [InlineData("bigendian-qform.nii.gz")]
    [InlineData("qform-differs.nii")]
    [InlineData("fourd-uint16.nii.gz")]
    [InlineData("nifti2-float64.nii")]
    [InlineData("extension-int32.nii")]
    [InlineData("pair-float32.img")]
    public void ReadsWhatNibabelWrites(string name)
    {
        string python = ExternalTools.RequireNibabel();
        using var temp = new TempDirectory();
        ExternalTools.Run(python, Script, "write", temp.Path);
        JsonElement expected = JsonDocument.Parse(File.ReadAllText(temp.File("cases.json"))).RootElement.GetProperty(name);

        MedicalImage image = NiftiReader.Read(temp.File(name), expected.GetProperty("volume").GetInt32());

        float[] values = NpyReader.Read(temp.File(name + ".expected.npy")).Data;
        Assert.Equal(values.Length, image.Voxels.Length);
        for (int n = 0; n < values.Length; n++)
        {
            Assert.Equal(values[n], image.Voxels[n], Math.Max(1e-6f, Math.Abs(values[n]) * 1e-6f));
        }

        Assert.True(ToAffine(expected.GetProperty("affine")).MaxDifference(image.Affine) < 1e-4, $"affine {image.Affine} vs nibabel {expected.GetProperty("affine")}");
        Assert.Equal(expected.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()), image.Metadata.FileDims);
    }

    [SkippableTheory]
    [InlineData("map.nii", false)]
    [InlineData("map.nii.gz", true)]
    [InlineData("flipped.nii.gz", true)]
    public void NibabelReadsWhatWeWrite(string name, bool flipped)
    {
        string python = ExternalTools.RequireNibabel();
        using var temp = new TempDirectory();
        var random = new Random(3);
        float[] voxels = [.. Enumerable.Range(0, 6 * 5 * 4).Select(_ => (float)(random.NextDouble() - 0.5))];
        Affine affine = Affine.FromColumns(new Vector3d(flipped ? -1.2 : 1.2, 0.1, 0), new Vector3d(-0.083, 0.996, 0), new Vector3d(0, 0, 2.5), new Vector3d(-90, 100, -40));
        affine = Affine.FromColumns(affine.Column(0), Orthogonal(affine.Column(0), 0.9), new Vector3d(0, 0, 2.5), affine.Column(3));
        var image = new MedicalImage([6, 5, 4], 1, voxels, affine, new ImageMetadata { Format = "test", Source = "test", DataType = "float32" });

        NiftiWriter.Write(temp.File(name), image);
        ExternalTools.Run(python, Script, "read", temp.File(name), temp.File("back"));

        JsonElement info = JsonDocument.Parse(File.ReadAllText(temp.File("back.json"))).RootElement;
        Assert.True(ToAffine(info.GetProperty("affine")).MaxDifference(affine) < 1e-4);
        Assert.True(ToAffine(info.GetProperty("qform")).MaxDifference(ToAffine(info.GetProperty("sform"))) < 1e-4, "qform and sform must agree");
        Assert.Equal(info.GetProperty("qformCode").GetInt32(), info.GetProperty("sformCode").GetInt32());
        Assert.Equal([6, 5, 4], info.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal(voxels, NpyReader.Read(temp.File("back.npy")).Data);
    }

    private static Vector3d Orthogonal(Vector3d axis, double length)
    {
        Vector3d unit = axis.Normalized;
        return new Vector3d(-unit.Y, unit.X, 0) * length;
    }

    private static Affine ToAffine(JsonElement rows) =>
        new([.. rows.EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => v.GetDouble()))]);
}
