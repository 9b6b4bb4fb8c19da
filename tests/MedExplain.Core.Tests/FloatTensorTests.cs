namespace MedExplain.Core.Tests;

public sealed class FloatTensorTests
{
    [Fact]
    public void SliceThenConcatenate_RoundTrips()
    {
        var tensor = new FloatTensor([3, 2], [1, 2, 3, 4, 5, 6]);

        FloatTensor joined = FloatTensor.Concatenate([tensor.Slice(0, 1), tensor.Slice(1, 2)]);

        Assert.Equal(tensor.Shape, joined.Shape);
        Assert.Equal(tensor.Data, joined.Data);
        Assert.Equal([3f, 4f], tensor.Item(1).ToArray());
    }

    [Fact]
    public void Constructor_DataLengthDiffersFromShape_Throws()
    {
        Assert.Throws<ArgumentException>(() => new FloatTensor([2, 2], [1, 2, 3]));
    }

    [Fact]
    public void Concatenate_DifferentItemShapes_Throws()
    {
        Assert.Throws<ArgumentException>(() => FloatTensor.Concatenate([new FloatTensor(1, 2), new FloatTensor(1, 3)]));
    }
}
