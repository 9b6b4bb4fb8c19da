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

        FloatTensor input = ModelInputLoader.Load(RepoPaths.DemoScan("2d/slice-01-normal.png"), model.InputSpec);

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

        FloatTensor input = ModelInputLoader.Load(bare, model.InputSpec, normalize: false);

        Assert.Equal([1, 1, 64, 64, 64], input.Shape);
        Assert.Equal(volume.Data, input.Data);
    }

    [Fact]
    public void Load_ImageForA3dModel_SaysTheRanksDiffer()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-3d"));
        string png = RepoPaths.DemoScan("2d/slice-01-normal.png");

        var error = Assert.Throws<MedExplainInputException>(() => ModelInputLoader.Load(png, model.InputSpec));

        Assert.StartsWith(png, error.Message, StringComparison.Ordinal);
        Assert.Contains("takes volumes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnsupportedFormat_ListsTheSupportedOnes()
    {
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel("brain-lesion-3d"));
        using var temp = new TempDirectory();
        string text = temp.Write("scan.txt", "not an image");

        var error = Assert.Throws<MedExplainInputException>(() => ModelInputLoader.Load(text, model.InputSpec));

        Assert.Contains("NIfTI", error.Message, StringComparison.Ordinal);
        Assert.StartsWith(text, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3d/volume-02-tumour.nii.gz", "3d/volume-02-tumour.npy", "brain-lesion-3d")]
    [InlineData("2d/slice-02-tumour.nii.gz", "2d/slice-02-tumour.png", "brain-lesion-2d")]
    public void Load_NiftiScan_GivesTheBatchItsModelReadyTwinGives(string nifti, string twin, string modelName)
    {
        // The demo wrote each NIfTI from the same array as its twin, in scanner axes (the 2D slice rotated so anterior is up);
        // the card's orientation must undo that exactly.
        using OnnxModel model = OnnxModel.Load(RepoPaths.DemoModel(modelName));

        FloatTensor fromNifti = ModelInputLoader.Load(RepoPaths.DemoScan(nifti), model.InputSpec);
        FloatTensor fromTwin = ModelInputLoader.Load(RepoPaths.DemoScan(twin), model.InputSpec);

        Assert.Equal(fromTwin.Shape, fromNifti.Shape);
        Assert.True(Numerics.MaxAbsDifference(fromTwin.Data, fromNifti.Data) < 1e-4, $"max difference {Numerics.MaxAbsDifference(fromTwin.Data, fromNifti.Data)}");
    }
}
