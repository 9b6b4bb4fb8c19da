using MedExplain.Models;
using MedExplain.Onnx;
using Onnx;

namespace MedExplain.Methods.Attention;

/// <summary>One block's attention: the softmax output, (N, H, T, T) or, as nn.MultiheadAttention exports it, (N·H, T, T).</summary>
/// <param name="Node">The softmax node's name.</param>
/// <param name="Tensor">Its output, the attention weights.</param>
/// <param name="Heads">The number of heads.</param>
/// <param name="Tokens">T, the tokens each row attends over.</param>
public sealed record AttentionBlock(string Node, string Tensor, int Heads, int Tokens);

/// <summary>A vision transformer's attention as the exported graph holds it: each block's softmax in graph (block)
/// order, and how tokens map to patches. A softmax is a block's attention when it normalises the last axis of a T×T
/// score tensor that a MatMul of two activations produced (through scaling, masks and bias adds) and its output is the
/// left operand of a MatMul with another activation (the values).</summary>
/// <param name="Blocks">The attention blocks, first to last.</param>
/// <param name="Layout">The token layout: from the card, else from the patch embedding.</param>
public sealed record AttentionGraph(IReadOnlyList<AttentionBlock> Blocks, TokenLayout Layout)
{
    /// <summary>Fused attention ops (ONNX Runtime's contrib ops, ONNX's own from opset 23): their weights never appear as
    /// a tensor, so no attention method can read them.</summary>
    private static readonly HashSet<string> FusedOps = new(StringComparer.Ordinal)
    {
        "Attention", "MultiHeadAttention", "GroupQueryAttention", "PackedAttention", "PackedMultiHeadAttention",
        "DecoderMaskedMultiHeadAttention", "DecoderMaskedSelfAttention", "SparseAttention", "LongformerAttention",
    };

    /// <summary>Ops between the Q·Kᵀ product and the softmax: scaling, masks, relative-position biases, casts.</summary>
    private static readonly HashSet<string> ScoreOps = new(StringComparer.Ordinal) { "Add", "Sub", "Mul", "Div", "Where", "Cast", "Identity" };

    /// <summary>Ops between the softmax and the product with the values.</summary>
    private static readonly HashSet<string> Forwarding = new(StringComparer.Ordinal) { "Identity", "Dropout", "Cast" };

    /// <summary>Finds the attention blocks and the token layout of a model at one input item shape.</summary>
    /// <param name="model">The model.</param>
    /// <param name="itemShape">One input item's shape (C, spatial…).</param>
    /// <exception cref="MedExplainInputException">The model has fused attention, no attention softmax, or attention that
    /// does not span the image's tokens (windowed attention), or its token layout cannot be read.</exception>
    public static AttentionGraph Of(OnnxModel model, int[] itemShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(itemShape);
        GraphIndex index = model.Graph;
        if (index.Graph.Node.FirstOrDefault(n => FusedOps.Contains(n.OpType)) is { } fused)
        {
            throw new MedExplainInputException(model.FilePath, $"node '{fused.Name}' is a fused {fused.OpType} op, whose attention weights never appear as a tensor; attention methods need the attention written out (MatMul, Softmax, MatMul), as torch.onnx.export writes it without fusion. Gradient, LRP and perturbation methods still work.");
        }

        int batch = model.FixedBatchSize ?? 1;
        IReadOnlyDictionary<string, int[]> shapes = model.ProbeShapes([batch, .. itemShape]).Shapes;
        HashSet<string> dependent = GraphIndex.DataDependent(index.Graph, model.ImageInput.Name);
        List<(NodeProto Node, int[] Shape)> softmaxes = [.. index.Graph.Node
            .Where(n => n.OpType == "Softmax")
            .Select(n => (Node: n, Shape: shapes.GetValueOrDefault(n.Output[0]) ?? []))
            .Where(s => IsAttention(s.Node, s.Shape, model.Opset, index, dependent))];
        if (softmaxes.Count == 0)
        {
            throw new MedExplainInputException(model.FilePath, "no attention softmax was found (a softmax over the last axis of a token-by-token product of two activations, feeding a product with the values), so attention methods do not apply: the model is not a transformer, or its attention is computed differently. Gradient, CAM, LRP and perturbation methods still work.");
        }

        TokenLayout layout = model.Card?.Tokens ?? InferLayout(model, index, shapes, dependent, itemShape, softmaxes[0].Node.Name, softmaxes[0].Shape[^1]);
        if (layout.Grid.Count != itemShape.Length - 1)
        {
            throw new MedExplainInputException(model.Card?.SourcePath ?? model.FilePath, $"the token grid {string.Join(" × ", layout.Grid)} has {layout.Grid.Count} axes; the input has {itemShape.Length - 1} spatial axes.");
        }

        if (softmaxes.FirstOrDefault(s => s.Shape[^1] != layout.Tokens) is { Node: not null } other)
        {
            throw new MedExplainInputException(model.FilePath, $"softmax '{other.Node.Name}' attends over {other.Shape[^1]} tokens, but the image has {layout.Tokens} ({layout.Prefix} before {string.Join(" × ", layout.Grid)} patches): windowed (Swin-style) or pooled attention has no token-to-token matrix over the whole image, so raw attention and rollout are undefined. Gradient, LRP and perturbation methods still work.");
        }

        return new AttentionGraph([.. softmaxes.Select(s => new AttentionBlock(s.Node.Name, s.Node.Output[0], Heads(model, s.Node, s.Shape, batch), s.Shape[^1]))], layout);
    }

    private static bool IsAttention(NodeProto softmax, int[] shape, int opset, GraphIndex index, HashSet<string> dependent)
    {
        long axis = softmax.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? (opset < 13 ? 1 : -1);
        bool lastAxis = axis == -1 || axis == shape.Length - 1;
        return shape.Length >= 3 && shape[^1] == shape[^2] && lastAxis
            && ProducedByProduct(softmax.Input[0], index, dependent, depth: 0)
            && FeedsProduct(softmax.Output[0], index, dependent, depth: 0);
    }

    private static bool ProducedByProduct(string tensor, GraphIndex index, HashSet<string> dependent, int depth)
    {
        if (depth > 8 || index.Producer(tensor) is not { } producer)
        {
            return false;
        }

        if (producer.OpType == "MatMul")
        {
            return dependent.Contains(producer.Input[0]) && dependent.Contains(producer.Input[1]);
        }

        return ScoreOps.Contains(producer.OpType)
            && producer.Input.Where(dependent.Contains).Any(i => ProducedByProduct(i, index, dependent, depth + 1));
    }

    private static bool FeedsProduct(string tensor, GraphIndex index, HashSet<string> dependent, int depth) =>
        depth <= 4 && index.Consumers(tensor).Any(c =>
            (c.OpType == "MatMul" && c.Input[0] == tensor && dependent.Contains(c.Input[1]))
            || (Forwarding.Contains(c.OpType) && FeedsProduct(c.Output[0], index, dependent, depth + 1)));

    /// <summary>Heads: the second axis of (N, H, T, T); for (N·H, T, T), as nn.MultiheadAttention folds heads into the
    /// batch (item-major), the first axis over the batch size.</summary>
    private static int Heads(OnnxModel model, NodeProto softmax, int[] shape, int batch) => shape switch
    {
        [int n, int heads, _, _] when n == batch => heads,
        [int folded, _, _] when folded % batch == 0 => folded / batch,
        _ => throw new MedExplainInputException(model.FilePath, $"softmax '{softmax.Name}' gives attention of shape {FloatTensor.FormatShape(shape)} at batch {batch}; attention methods read (N, heads, T, T) or (N·heads, T, T)."),
    };

    /// <summary>The patch grid from the patch embedding (the first convolution on the input whose stride equals its
    /// kernel), and the prefix tokens as what the attention holds beyond the patches.</summary>
    private static TokenLayout InferLayout(OnnxModel model, GraphIndex index, IReadOnlyDictionary<string, int[]> shapes, HashSet<string> dependent, int[] itemShape, string firstSoftmax, int tokens)
    {
        NodeProto? patchify = index.Graph.Node.FirstOrDefault(n => n.OpType == "Conv" && dependent.Contains(n.Input[0]) && IsPatchify(n)
            && shapes.TryGetValue(n.Output[0], out int[]? s) && s.Length == itemShape.Length + 1);
        if (patchify is null)
        {
            throw new MedExplainInputException(model.FilePath, "the patch grid could not be inferred: no convolution with stride equal to its kernel (a patch embedding) reads the input. State it in the model card as \"tokens\": {\"prefix\": P, \"grid\": [rows, columns]}.");
        }

        int[] grid = shapes[patchify.Output[0]][2..];
        int patches = grid.Aggregate(1, (p, g) => p * g);
        int prefix = tokens - patches;
        return prefix < 0
            ? throw new MedExplainInputException(model.FilePath, $"softmax '{firstSoftmax}' attends over {tokens} tokens, fewer than the {patches} patches of '{patchify.Name}' ({string.Join(" × ", grid)}): windowed (Swin-style) attention has no token-to-token matrix over the whole image, so raw attention and rollout are undefined. Gradient, LRP and perturbation methods still work.")
            : new TokenLayout(prefix, grid);
    }

    private static bool IsPatchify(NodeProto conv)
    {
        long[]? kernel = conv.Attribute.FirstOrDefault(a => a.Name == "kernel_shape")?.Ints.ToArray();
        long[]? strides = conv.Attribute.FirstOrDefault(a => a.Name == "strides")?.Ints.ToArray();
        return kernel is { Length: > 0 } && strides is not null && kernel.SequenceEqual(strides) && kernel.Any(k => k > 1);
    }
}
