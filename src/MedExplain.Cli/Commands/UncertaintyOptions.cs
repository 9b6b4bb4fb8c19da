using System.CommandLine;
using MedExplain.Pipelines;

namespace MedExplain.Cli.Commands;

/// <summary>--uncertainty and its settings, the same on predict and explain.</summary>
internal sealed class UncertaintyOptions
{
    private readonly Option<string> _kind = new("--uncertainty") { Description = "Also say how sure the model is: tta (test-time augmentation: the left-right mirror and intensity ×0.9 and ×1.1; explain also measures each map's spread across them), mc-dropout (seeded dropout masks at --dropout-at, else where the model card says, else at the model's own Dropout nodes) or ensemble (the model and the --ensemble replicas); none by default. Mean probabilities, predictive and expected entropy and mutual information (nats).", DefaultValueFactory = _ => "none" };
    private readonly Option<string?> _at = new("--dropout-at") { Description = "mc-dropout: the tensor to drop (often the pooled features before the classifier head, such as /Flatten_output_0); by default the card's \"dropout\", else the model's own Dropout nodes." };
    private readonly Option<double?> _rate = new("--dropout-rate") { Description = "mc-dropout: the dropout probability, from 0 to below 1; by default the card's, else each Dropout node's own, else 0.2." };
    private readonly Option<int> _samples = new("--dropout-samples") { Description = "mc-dropout: samples per input, 2 to 1000.", DefaultValueFactory = _ => 20 };
    private readonly Option<string?> _replicas = new("--ensemble") { Description = "ensemble: comma-separated replica models trained like --model (other seeds); each is one more sample." };
    private readonly Option<int> _seed = new("--dropout-seed") { Description = "mc-dropout: seeds the masks (the same seed gives the same numbers).", DefaultValueFactory = _ => 0 };

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_kind);
        command.Options.Add(_at);
        command.Options.Add(_rate);
        command.Options.Add(_samples);
        command.Options.Add(_seed);
        command.Options.Add(_replicas);
    }

    /// <summary>The settings the options give, or null for none.</summary>
    public UncertaintySettings? Settings(ParseResult result, long maxMemoryBytes) => result.GetValue(_kind) switch
    {
        "none" => null,
        "tta" => new UncertaintySettings(UncertaintySource.TestTimeAugmentation),
        "mc-dropout" => new UncertaintySettings(UncertaintySource.McDropout, result.GetValue(_samples), result.GetValue(_seed), result.GetValue(_at), result.GetValue(_rate), maxMemoryBytes),
        "ensemble" => new UncertaintySettings(UncertaintySource.Ensemble, MaxMemoryBytes: maxMemoryBytes)
        {
            Replicas = result.GetValue(_replicas)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
        },
        var other => throw new MedExplainParameterException("uncertainty", $"'{other}' is not one of: none, tta, mc-dropout, ensemble."),
    };
}
