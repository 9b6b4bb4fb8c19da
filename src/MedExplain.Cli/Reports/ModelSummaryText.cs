namespace MedExplain.Cli.Reports;

/// <summary>Writes a <see cref="ModelSummary"/> for people.</summary>
internal static class ModelSummaryText
{
    public static void Write(TextWriter w, ModelSummary s)
    {
        w.WriteLine($"Model     {s.File}");
        w.WriteLine($"Producer  {(s.Producer.Length > 0 ? s.Producer : "(not recorded)")}; IR version {s.IrVersion}; opset {s.Opset}");
        WriteTensors(w, "Inputs", s.Inputs);
        WriteTensors(w, "Outputs", s.Outputs);
        w.WriteLine($"Ops       {s.NodeCount} nodes: {string.Join(", ", s.Ops.Select(o => $"{o.Key} {o.Value}"))}");
        w.WriteLine(s.ProbedInputShape is null
            ? "CAM layer candidates (found from the graph; a model card with the input size adds shapes):"
            : $"CAM layer candidates (shapes at input {s.ProbedInputShape}):");
        if (s.CamLayerCandidates.Count == 0)
        {
            w.WriteLine("  none: no global spatial pooling found");
        }

        foreach (ModelSummary.CamLayer layer in s.CamLayerCandidates)
        {
            w.WriteLine($"  {layer.Tensor}  {layer.Shape ?? string.Empty}  from {layer.ProducerOp}, pooled by '{layer.PoolingNode}'{(layer.CardDefault ? "  [card default]" : string.Empty)}");
        }

        w.WriteLine($"Layers    {s.Layers.Count} weighted layers (the node names --rule-override takes):");
        foreach (ModelSummary.Layer layer in s.Layers)
        {
            w.WriteLine($"  {(layer.Node.Length > 0 ? layer.Node : "(unnamed: no rule can be set for it by name)")}  {layer.Op}");
        }

        if (s.Card is not { } card)
        {
            w.WriteLine("Card      none (write NAME.card.json beside the model; see docs/model-card.md)");
            return;
        }

        w.WriteLine($"Card      {card.File}");
        w.WriteLine($"  name            {card.Name}");
        if (card.Description.Length > 0)
        {
            w.WriteLine($"  description     {card.Description}");
        }

        w.WriteLine($"  input           {card.Layout}, {card.Channels} channel(s), spatial size {string.Join("×", card.SpatialSize)}");
        w.WriteLine($"  normalisation   {card.Normalization}");
        w.WriteLine($"  classes         {string.Join(", ", card.ClassNames)}");
        if (card.RecommendedMethods.Count > 0)
        {
            w.WriteLine($"  methods         {string.Join(", ", card.RecommendedMethods)}");
        }

        foreach ((string key, double value) in card.Evaluation)
        {
            w.WriteLine($"  {key,-15} {value:0.####}");
        }
    }

    private static void WriteTensors(TextWriter w, string title, IReadOnlyList<ModelSummary.Tensor> tensors)
    {
        w.WriteLine($"{title}:");
        foreach (ModelSummary.Tensor t in tensors)
        {
            w.WriteLine($"  {t.Name}  {t.ElementType}  {t.Shape}");
        }
    }
}
