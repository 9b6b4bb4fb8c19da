namespace MedExplain.Imaging.Geometry;

/// <summary>A 4×4 voxel-to-world matrix, row-major, in millimetres.</summary>
/// <remarks>MedExplain states every affine in RAS+ (the NIfTI convention): x to the patient's right, y anterior, z superior.</remarks>
public sealed class Affine : IEquatable<Affine>
{
    private readonly double[] _m;

    /// <summary>Creates an affine from 16 row-major values; the last row must be 0, 0, 0, 1.</summary>
    /// <param name="rowMajor">The matrix.</param>
    public Affine(IReadOnlyList<double> rowMajor)
    {
        ArgumentNullException.ThrowIfNull(rowMajor);
        if (rowMajor.Count != 16)
        {
            throw new ArgumentException("An affine has 16 values.", nameof(rowMajor));
        }

        _m = [.. rowMajor];
    }

    /// <summary>Gets the identity.</summary>
    public static Affine Identity { get; } = Diagonal(1, 1, 1);

    /// <summary>Gets the value at (row, column).</summary>
    /// <param name="row">0..3.</param>
    /// <param name="column">0..3.</param>
    public double this[int row, int column] => _m[(row * 4) + column];

    /// <summary>Gets the 16 values, row-major.</summary>
    public IReadOnlyList<double> RowMajor => _m;

    /// <summary>A scaling by the voxel spacing with the origin at voxel 0.</summary>
    /// <param name="x">Spacing along i.</param>
    /// <param name="y">Spacing along j.</param>
    /// <param name="z">Spacing along k.</param>
    public static Affine Diagonal(double x, double y, double z) => new([x, 0, 0, 0, 0, y, 0, 0, 0, 0, z, 0, 0, 0, 0, 1]);

    /// <summary>Builds an affine from three axis columns and an origin (world millimetres).</summary>
    /// <param name="i">World step of one voxel along i.</param>
    /// <param name="j">World step along j.</param>
    /// <param name="k">World step along k.</param>
    /// <param name="origin">World position of voxel (0, 0, 0).</param>
    public static Affine FromColumns(Vector3d i, Vector3d j, Vector3d k, Vector3d origin) => new(
    [
        i.X, j.X, k.X, origin.X,
        i.Y, j.Y, k.Y, origin.Y,
        i.Z, j.Z, k.Z, origin.Z,
        0, 0, 0, 1,
    ]);

    /// <summary>Gets column <paramref name="index"/> of the upper 3×4 part.</summary>
    /// <param name="index">0, 1, 2 for the voxel axes, 3 for the origin.</param>
    public Vector3d Column(int index) => new(this[0, index], this[1, index], this[2, index]);

    /// <summary>Gets the length of each voxel axis in millimetres.</summary>
    public double[] Spacing => [Column(0).Length, Column(1).Length, Column(2).Length];

    /// <summary>Gets the determinant of the 3×3 part; negative for a left-handed (radiological) voxel order.</summary>
    public double Determinant3 => Vector3d.Dot(Column(0), Vector3d.Cross(Column(1), Column(2)));

    /// <summary>Maps a voxel index to world millimetres.</summary>
    /// <param name="i">Index along i.</param>
    /// <param name="j">Index along j.</param>
    /// <param name="k">Index along k.</param>
    public Vector3d Apply(double i, double j, double k) => new(
        (this[0, 0] * i) + (this[0, 1] * j) + (this[0, 2] * k) + this[0, 3],
        (this[1, 0] * i) + (this[1, 1] * j) + (this[1, 2] * k) + this[1, 3],
        (this[2, 0] * i) + (this[2, 1] * j) + (this[2, 2] * k) + this[2, 3]);

    /// <summary>Gets the product this × <paramref name="other"/>.</summary>
    /// <param name="other">The right factor.</param>
    public Affine Multiply(Affine other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var product = new double[16];
        for (int r = 0; r < 4; r++)
        {
            for (int c = 0; c < 4; c++)
            {
                double sum = 0;
                for (int n = 0; n < 4; n++)
                {
                    sum += this[r, n] * other[n, c];
                }

                product[(r * 4) + c] = sum;
            }
        }

        return new Affine(product);
    }

    /// <summary>Converts between LPS (DICOM) and RAS (NIfTI): negates the first two rows. Its own inverse.</summary>
    public Affine FlipLpsRas() => new Affine([-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]).Multiply(this);

    /// <summary>Gets the anatomical direction each voxel axis points to most, such as "RAS" or "LPI" (NIfTI/nibabel axis codes).</summary>
    public string AxisCodes
    {
        get
        {
            var codes = new char[3];
            for (int axis = 0; axis < 3; axis++)
            {
                Vector3d column = Column(axis);
                double[] parts = [column.X, column.Y, column.Z];
                int dominant = 0;
                for (int w = 1; w < 3; w++)
                {
                    dominant = Math.Abs(parts[w]) > Math.Abs(parts[dominant]) ? w : dominant;
                }

                codes[axis] = (dominant, parts[dominant] >= 0) switch
                {
                    (0, true) => 'R',
                    (0, false) => 'L',
                    (1, true) => 'A',
                    (1, false) => 'P',
                    (2, true) => 'S',
                    _ => 'I',
                };
            }

            return new string(codes);
        }
    }

    /// <summary>The inverse: world millimetres to voxel index.</summary>
    /// <exception cref="InvalidOperationException">The 3×3 part is singular.</exception>
    public Affine Inverse()
    {
        double a = this[0, 0], b = this[0, 1], c = this[0, 2], d = this[1, 0], e = this[1, 1], f = this[1, 2], g = this[2, 0], h = this[2, 1], k = this[2, 2];
        double det = (a * ((e * k) - (f * h))) - (b * ((d * k) - (f * g))) + (c * ((d * h) - (e * g)));
        if (Math.Abs(det) < 1e-12 || !double.IsFinite(det))
        {
            throw new InvalidOperationException("The affine is singular and has no inverse.");
        }

        double[] r =
        [
            ((e * k) - (f * h)) / det, ((c * h) - (b * k)) / det, ((b * f) - (c * e)) / det,
            ((f * g) - (d * k)) / det, ((a * k) - (c * g)) / det, ((c * d) - (a * f)) / det,
            ((d * h) - (e * g)) / det, ((b * g) - (a * h)) / det, ((a * e) - (b * d)) / det,
        ];
        double tx = this[0, 3], ty = this[1, 3], tz = this[2, 3];
        return new Affine(
        [
            r[0], r[1], r[2], -((r[0] * tx) + (r[1] * ty) + (r[2] * tz)),
            r[3], r[4], r[5], -((r[3] * tx) + (r[4] * ty) + (r[5] * tz)),
            r[6], r[7], r[8], -((r[6] * tx) + (r[7] * ty) + (r[8] * tz)),
            0, 0, 0, 1,
        ]);
    }

    /// <summary>Gets the largest absolute difference to another affine.</summary>
    /// <param name="other">The other affine.</param>
    public double MaxDifference(Affine other)
    {
        ArgumentNullException.ThrowIfNull(other);
        double max = 0;
        for (int n = 0; n < 16; n++)
        {
            max = Math.Max(max, Math.Abs(_m[n] - other._m[n]));
        }

        return max;
    }

    /// <inheritdoc/>
    public bool Equals(Affine? other) => other is not null && _m.AsSpan().SequenceEqual(other._m);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Affine);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_m[0], _m[5], _m[10], _m[3], _m[7], _m[11]);

    /// <inheritdoc/>
    public override string ToString() => string.Join("; ", Enumerable.Range(0, 3).Select(r => string.Join(" ", Enumerable.Range(0, 4).Select(c => this[r, c].ToString("0.###")))));
}
