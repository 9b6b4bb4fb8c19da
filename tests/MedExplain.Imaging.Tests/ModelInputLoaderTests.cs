using MedExplain.Imaging.Npy;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Imaging.Tests;

public sealed class ModelInputLoaderTests
{
    [Fact]
    public void Load_PngForA2dModel_AddsAxesAndZScores()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-2d"));

        FloatTensor input = ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-01-normal.png"), model);

        Assert.Equal([1, 1, 128, 128], input.Shape);
        double mean = input.Data.Average(v => (double)v);
        double variance = input.Data.Average(v => ((double)v - mean) * ((double)v - mean));
        Assert.Equal(0, mean, 5);
        Assert.Equal(1, variance, 4);
    }

    [Fact]
    public void Load_NpyWithoutBatchAndChannelAxes_IsAcceptedAsOneItem()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-3d"));
        using var dir = new TempDirectory();
        FloatTensor volume = NpyReader.Read(RepoPaths.DemoScan("3d/volume-01-normal.npy"));
        string bare = dir.File("bare.npy");
        NpyWriter.Write(bare, volume.Reshape(64, 64, 64));

        FloatTensor input = ModelInputLoader.Load(bare, model, normalize: false);

        Assert.Equal([1, 1, 64, 64, 64], input.Shape);
        Assert.Equal(volume.Data, input.Data);
    }

    [Fact]
    public void Load_ImageForA3dModel_SaysTheRanksDiffer()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-3d"));
        string png = RepoPaths.DemoScan("2d/slice-01-normal.png");

        var error = Assert.Throws<MedExplainInputException>(() => ModelInputLoader.Load(png, model));

        Assert.StartsWith(png, error.Message, StringComparison.Ordinal);
        Assert.Contains("takes rank 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnsupportedFormat_ListsTheSupportedOnes()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-3d"));
        string nifti = RepoPaths.DemoScan("3d/volume-01-normal.nii.gz");

        var error = Assert.Throws<MedExplainInputException>(() => ModelInputLoader.Load(nifti, model));

        Assert.Contains(".npy", error.Message, StringComparison.Ordinal);
        Assert.StartsWith(nifti, error.Message, StringComparison.Ordinal);
    }
}
