using MedExplain.Models;
using MedExplain.Onnx;
using MedExplain.TestUtilities;

namespace MedExplain.Core.Tests.Models;

public sealed class ModelCardReaderTests
{
    [Fact]
    public void Read_DemoCard_ReadsEveryField()
    {
        ModelCard card = ModelCardReader.Read(Path.Combine(RepoPaths.Demo, "models", "brain-lesion-3d.card.json"));

        Assert.Equal("brain-lesion-3d", card.Name);
        Assert.Equal(InputLayout.NCDHW, card.Layout);
        Assert.Equal([64, 64, 64], card.SpatialSize);
        Assert.Equal(NormalizationKind.ZScore, card.Normalization.Kind);
        Assert.Null(card.Normalization.Mean);
        Assert.Equal("image", card.InputName);
        Assert.Equal([1, 1, 64, 64, 64], card.InputShape(1));
        Assert.InRange(card.Evaluation["heldOutAccuracy"], 0.34, 1.0);
        Assert.Equal(new DropoutSite("/Flatten_output_0", 0.2), card.Dropout);
    }

    [Fact]
    public void Read_Tokens_ReadsPrefixAndGrid()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("vit.card.json", CardJson.Minimal(extra: ", \"tokens\": { \"prefix\": 5, \"grid\": [14, 14] }"));

        TokenLayout tokens = ModelCardReader.Read(path).Tokens!;

        Assert.Equal((5, 196, 201), (tokens.Prefix, tokens.Patches, tokens.Tokens));
    }

    [Fact]
    public void Read_Orientation_IsUpperCased()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("m.card.json", CardJson.Minimal().Replace("\"kind\": \"none\" }", "\"kind\": \"none\" }, \"orientation\": \"lpi\"", StringComparison.Ordinal));

        Assert.Equal("LPI", ModelCardReader.Read(path).Orientation);
    }

    [Fact]
    public void Read_WindowNormalization_ReadsCentreAndWidth()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("ct.card.json", CardJson.Minimal().Replace("\"kind\": \"none\"", "\"kind\": \"window\", \"center\": 40, \"width\": 400", StringComparison.Ordinal));

        IntensityNormalization n = ModelCardReader.Read(path).Normalization;

        Assert.Equal(new IntensityNormalization(NormalizationKind.Window, Center: 40, Width: 400), n);
    }

    public static TheoryData<string, string, string> MalformedCards => new()
    {
        { "not json", "{ \"schemaVersion\": 1, ", "not valid JSON" },
        { "array root", "[1, 2]", "must be a JSON object" },
        { "wrong version", CardJson.Minimal().Replace("\"schemaVersion\": 1", "\"schemaVersion\": 7", StringComparison.Ordinal), "\"schemaVersion\" is 7" },
        { "missing input", "{ \"schemaVersion\": 1, \"name\": \"x\", \"classNames\": [\"a\"] }", "\"input\" is required" },
        { "bad layout", CardJson.Minimal(layout: "NHWC"), "\"input.layout\" is \"NHWC\"" },
        { "spatial rank", CardJson.Minimal(layout: "NCDHW"), "\"input.spatialSize\" must list 3" },
        { "string size", CardJson.Minimal(spatial: "[\"128\", 128]"), "\"input.spatialSize\" must hold integers" },
        { "overflowing size", CardJson.Minimal(spatial: "[2000000000, 2000000000]"), "more than one array holds" },
        { "no classes", CardJson.Minimal(classes: 0), "\"classNames\" must list" },
        { "typo field", CardJson.Minimal(extra: ", \"clasNames\": []"), "\"clasNames\" is not part of the schema" },
        { "bad window", CardJson.Minimal().Replace("\"kind\": \"none\"", "\"kind\": \"window\", \"center\": 40, \"width\": 0", StringComparison.Ordinal), "\"input.normalization.width\" is 0" },
        { "unknown norm", CardJson.Minimal().Replace("\"kind\": \"none\"", "\"kind\": \"percentile\"", StringComparison.Ordinal), "\"input.normalization.kind\" is \"percentile\"" },
        { "half zscore", CardJson.Minimal().Replace("\"kind\": \"none\"", "\"kind\": \"zscore\", \"mean\": 3", StringComparison.Ordinal), "\"input.normalization.mean\" and \"std\" go together" },
        { "output kind", CardJson.Minimal(extra: ", \"output\": { \"kind\": \"softmax\" }"), "\"output.kind\" is \"softmax\"" },
        { "bad axis letter", CardJson.Minimal().Replace("\"kind\": \"none\" }", "\"kind\": \"none\" }, \"orientation\": \"RAX\"", StringComparison.Ordinal), "\"input.orientation\" is \"RAX\"" },
        { "token grid rank", CardJson.Minimal(extra: ", \"tokens\": { \"prefix\": 1, \"grid\": [4, 4, 4] }"), "\"tokens.grid\" must list 2" },
        { "negative prefix", CardJson.Minimal(extra: ", \"tokens\": { \"prefix\": -1, \"grid\": [4, 4] }"), "\"tokens.prefix\" must be 0 or more" },
        { "dropout rate", CardJson.Minimal(extra: ", \"dropout\": { \"at\": \"flat\", \"rate\": 1 }"), "\"dropout.rate\" is 1" },
        { "axis twice", CardJson.Minimal().Replace("\"kind\": \"none\" }", "\"kind\": \"none\" }, \"orientation\": \"RLS\"", StringComparison.Ordinal), "\"input.orientation\" is \"RLS\"" },
    };

    [Theory]
    [MemberData(nameof(MalformedCards))]
    public void Read_MalformedCard_NamesFileAndField(string scenario, string text, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("model.card.json", text);

        var error = Assert.Throws<MedExplainInputException>(() => ModelCardReader.Read(path));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{scenario}: {error.Message}");
    }

    public static TheoryData<string, string> CardsThatDoNotFitTheLinearModel => new()
    {
        { CardJson.Minimal(classes: 4), "names 4 classes, but output 'logits' has 3" },
        { CardJson.Minimal(spatial: "[3, 3]"), "declares input shape (1, 3, 3) per item" },
        { CardJson.Minimal(layout: "NCDHW", spatial: "[1, 2, 2]"), "means a rank-5 input" },
        { CardJson.Minimal(extra: ", \"camLayer\": \"nowhere\""), "camLayer 'nowhere' is not a tensor" },
        { CardJson.Minimal(extra: ", \"output\": { \"name\": \"probs\" }"), "output.name is 'probs'" },
        { CardJson.Minimal(extra: ", \"dropout\": { \"at\": \"nowhere\", \"rate\": 0.2 }"), "dropout.at 'nowhere' is not a tensor" },
    };

    [Theory]
    [MemberData(nameof(CardsThatDoNotFitTheLinearModel))]
    public void Load_CardThatDoesNotFitTheModel_SaysWhatDiffers(string card, string expected)
    {
        using var dir = new TempDirectory();
        string model = TinyModels.Linear().Save(dir.File("linear.onnx"));
        string cardPath = dir.Write("linear.card.json", card);

        var error = Assert.Throws<MedExplainInputException>(() => OnnxModel.Load(model));

        Assert.StartsWith(cardPath, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CardPathFor_ModelFile_IsTheCardBesideIt()
    {
        Assert.Equal(Path.Combine("models", "net.card.json"), ModelCardReader.CardPathFor(Path.Combine("models", "net.onnx")));
    }
}
