namespace MedExplain.Imaging.Geometry;

/// <summary>A permutation and flip of voxel axes that makes an image's axes point the way a target's letters say (like nibabel's ornt_transform).</summary>
public sealed class AxisReorientation
{
    private AxisReorientation(int[] sourceAxis, bool[] flip)
    {
        SourceAxis = sourceAxis;
        Flip = flip;
    }

    /// <summary>Gets, for each new axis, the old axis it comes from.</summary>
    public IReadOnlyList<int> SourceAxis { get; }

    /// <summary>Gets, for each new axis, whether it runs backwards along its old axis.</summary>
    public IReadOnlyList<bool> Flip { get; }

    /// <summary>Gets a value indicating whether nothing moves.</summary>
    public bool IsIdentity => SourceAxis.SequenceEqual([0, 1, 2]) && !Flip.Any(f => f);

    /// <summary>Plans the reorientation from an affine to target axis codes such as "RAS".</summary>
    /// <param name="affine">The image's voxel-to-RAS affine.</param>
    /// <param name="target">Three letters, one per new axis.</param>
    public static AxisReorientation Plan(Affine affine, string target)
    {
        ArgumentNullException.ThrowIfNull(affine);
        ArgumentNullException.ThrowIfNull(target);
        var sourceAxis = new int[3];
        var flip = new bool[3];
        var used = new bool[3];

        // Greedy on the largest direction cosine, so oblique scans still get a proper permutation.
        var order = new List<(int Target, int Source, double Cosine)>();
        for (int t = 0; t < 3; t++)
        {
            (int world, double sign) = Letter(target[t]);
            for (int s = 0; s < 3; s++)
            {
                Vector3d axis = affine.Column(s).Normalized;
                double cosine = (world == 0 ? axis.X : world == 1 ? axis.Y : axis.Z) * sign;
                order.Add((t, s, cosine));
            }
        }

        var done = new bool[3];
        foreach ((int t, int s, double cosine) in order.OrderByDescending(o => Math.Abs(o.Cosine)))
        {
            if (!done[t] && !used[s])
            {
                (sourceAxis[t], flip[t], done[t], used[s]) = (s, cosine < 0, true, true);
            }
        }

        return new AxisReorientation(sourceAxis, flip);
    }

    /// <summary>Gets the new dims.</summary>
    /// <param name="dims">The old dims.</param>
    public int[] Dims(int[] dims) => [dims[SourceAxis[0]], dims[SourceAxis[1]], dims[SourceAxis[2]]];

    /// <summary>Gets the affine of the reoriented grid.</summary>
    /// <param name="affine">The old affine.</param>
    /// <param name="dims">The old dims.</param>
    public Affine Apply(Affine affine, int[] dims)
    {
        ArgumentNullException.ThrowIfNull(affine);
        // Column t of the new-to-old index map: ±e(source); the flip moves the origin to the far end.
        var columns = new Vector3d[3];
        Vector3d origin = affine.Column(3);
        for (int t = 0; t < 3; t++)
        {
            Vector3d step = affine.Column(SourceAxis[t]);
            columns[t] = Flip[t] ? step * -1 : step;
            origin += Flip[t] ? step * (dims[SourceAxis[t]] - 1) : default;
        }

        return Affine.FromColumns(columns[0], columns[1], columns[2], origin);
    }

    /// <summary>Reorients voxels (one channel) from the old grid to the new.</summary>
    /// <param name="values">Old voxels, i fastest.</param>
    /// <param name="dims">Old dims.</param>
    public float[] Apply(ReadOnlySpan<float> values, int[] dims)
    {
        int[] source = SourceIndices(dims);
        var result = new float[values.Length];
        for (int n = 0; n < result.Length; n++)
        {
            result[n] = values[source[n]];
        }

        return result;
    }

    /// <summary>Undoes <see cref="Apply(ReadOnlySpan{float}, int[])"/>: values on the new grid back to the old one.</summary>
    /// <param name="values">New voxels.</param>
    /// <param name="dims">Old dims.</param>
    public float[] Undo(ReadOnlySpan<float> values, int[] dims)
    {
        int[] source = SourceIndices(dims);
        var result = new float[values.Length];
        for (int n = 0; n < result.Length; n++)
        {
            result[source[n]] = values[n];
        }

        return result;
    }

    /// <summary>For each voxel of the new grid (i fastest), its index in the old grid.</summary>
    private int[] SourceIndices(int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        int[] newDims = Dims(dims);
        int[] strides = [1, dims[0], dims[0] * dims[1]];
        var source = new int[newDims[0] * newDims[1] * newDims[2]];
        int n = 0;
        for (int c = 0; c < newDims[2]; c++)
        {
            for (int b = 0; b < newDims[1]; b++)
            {
                for (int a = 0; a < newDims[0]; a++)
                {
                    source[n++] = Offset(0, a, dims, strides) + Offset(1, b, dims, strides) + Offset(2, c, dims, strides);
                }
            }
        }

        return source;
    }

    /// <inheritdoc/>
    public override string ToString() => IsIdentity ? "none" : string.Join(", ", Enumerable.Range(0, 3).Select(t => $"{"ijk"[t]} ← {(Flip[t] ? "−" : string.Empty)}{"ijk"[SourceAxis[t]]}"));

    private int Offset(int newAxis, int index, int[] dims, int[] strides)
    {
        int source = SourceAxis[newAxis];
        return (Flip[newAxis] ? dims[source] - 1 - index : index) * strides[source];
    }

    private static (int World, double Sign) Letter(char code) => char.ToUpperInvariant(code) switch
    {
        'R' => (0, 1),
        'L' => (0, -1),
        'A' => (1, 1),
        'P' => (1, -1),
        'S' => (2, 1),
        'I' => (2, -1),
        _ => throw new ArgumentException($"'{code}' is not an axis code (R, L, A, P, S, I).", nameof(code)),
    };
}
