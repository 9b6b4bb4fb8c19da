namespace MedExplain.Methods;

/// <summary>Which class score an attribution explains: the predicted class, one class for every item, or one per item.</summary>
public sealed record ClassTarget
{
    private ClassTarget(IReadOnlyList<int>? classes) => Classes = classes;

    /// <summary>Gets the predicted class of each item.</summary>
    public static ClassTarget Predicted { get; } = new((IReadOnlyList<int>?)null);

    /// <summary>Gets the fixed classes (one for all items, or one per item), or null for the predicted class.</summary>
    public IReadOnlyList<int>? Classes { get; }

    /// <summary>One class for every item.</summary>
    /// <param name="index">The class index.</param>
    public static ClassTarget Class(int index) => new([index]);

    /// <summary>One class per item, in batch order.</summary>
    /// <param name="indices">The class indices.</param>
    public static ClassTarget PerItem(IReadOnlyList<int> indices) => new(indices);

    /// <summary>Parses "predicted", "3" or "1,0,2", or class names ("tumour", "tumour,normal") when the model has them.</summary>
    /// <param name="text">The text.</param>
    /// <param name="classNames">The model's class names (its card's), or null.</param>
    /// <returns>The target, or null when the text is neither form.</returns>
    public static ClassTarget? Parse(string text, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Equals("predicted", StringComparison.OrdinalIgnoreCase))
        {
            return Predicted;
        }

        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var classes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (int.TryParse(parts[i], out classes[i]) && classes[i] >= 0)
            {
                continue;
            }

            int named = classNames is null ? -1 : classNames.ToList().FindIndex(n => n.Equals(parts[i], StringComparison.OrdinalIgnoreCase));
            if (named < 0)
            {
                return null;
            }

            classes[i] = named;
        }

        return classes.Length == 1 ? Class(classes[0]) : PerItem(classes);
    }

    /// <summary>The class of each item.</summary>
    /// <param name="predicted">The predicted class of each item.</param>
    /// <param name="classCount">The number of classes the model emits.</param>
    /// <exception cref="ArgumentException">A class is out of range, or the per-item count differs from the batch.</exception>
    public int[] Resolve(IReadOnlyList<int> predicted, int classCount)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        int[] classes = Classes switch
        {
            null => [.. predicted],
            [int single] => [.. Enumerable.Repeat(single, predicted.Count)],
            _ when Classes.Count == predicted.Count => [.. Classes],
            _ => throw new ArgumentException($"{Classes.Count} target classes were given for {predicted.Count} items; give one, or one per item."),
        };
        int bad = Array.FindIndex(classes, c => c >= classCount);
        return bad < 0 ? classes : throw new ArgumentException($"Target class {classes[bad]} is out of range: the model emits {classCount} classes (0 to {classCount - 1}).");
    }

    /// <inheritdoc/>
    public override string ToString() => Classes is null ? "predicted" : string.Join(",", Classes);
}
