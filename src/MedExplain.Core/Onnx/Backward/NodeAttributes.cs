using Onnx;

namespace MedExplain.Onnx.Backward;

/// <summary>Reads a forward node's attributes with ONNX's defaults.</summary>
public static class NodeAttributes
{
    /// <summary>An int attribute, or <paramref name="fallback"/>.</summary>
    /// <param name="node">The node.</param>
    /// <param name="name">The attribute.</param>
    /// <param name="fallback">The ONNX default.</param>
    public static long Whole(NodeProto node, string name, long fallback) =>
        Find(node, name) is { } a ? a.I : fallback;

    /// <summary>A float attribute, or <paramref name="fallback"/>.</summary>
    /// <param name="node">The node.</param>
    /// <param name="name">The attribute.</param>
    /// <param name="fallback">The ONNX default.</param>
    public static float Real(NodeProto node, string name, float fallback) =>
        Find(node, name) is { } a ? a.F : fallback;

    /// <summary>A string attribute, or <paramref name="fallback"/>.</summary>
    /// <param name="node">The node.</param>
    /// <param name="name">The attribute.</param>
    /// <param name="fallback">The ONNX default.</param>
    public static string Text(NodeProto node, string name, string fallback) =>
        Find(node, name) is { } a ? a.S.ToStringUtf8() : fallback;

    /// <summary>An ints attribute, or null.</summary>
    /// <param name="node">The node.</param>
    /// <param name="name">The attribute.</param>
    public static long[]? Integers(NodeProto node, string name) =>
        Find(node, name) is { } a ? [.. a.Ints] : null;

    private static AttributeProto? Find(NodeProto node, string name)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Attribute.FirstOrDefault(a => a.Name == name);
    }
}
