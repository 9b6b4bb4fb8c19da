namespace MedExplain.Imaging.Geometry;

/// <summary>A point or direction in world millimetres.</summary>
/// <param name="X">First coordinate.</param>
/// <param name="Y">Second coordinate.</param>
/// <param name="Z">Third coordinate.</param>
public readonly record struct Vector3d(double X, double Y, double Z)
{
    /// <summary>Gets the Euclidean length.</summary>
    public double Length => Math.Sqrt(Dot(this, this));

    /// <summary>Gets the dot product.</summary>
    /// <param name="a">First vector.</param>
    /// <param name="b">Second vector.</param>
    public static double Dot(Vector3d a, Vector3d b) => (a.X * b.X) + (a.Y * b.Y) + (a.Z * b.Z);

    /// <summary>Gets the cross product a × b.</summary>
    /// <param name="a">First vector.</param>
    /// <param name="b">Second vector.</param>
    public static Vector3d Cross(Vector3d a, Vector3d b) => new((a.Y * b.Z) - (a.Z * b.Y), (a.Z * b.X) - (a.X * b.Z), (a.X * b.Y) - (a.Y * b.X));

    /// <summary>Gets the vector scaled to length 1 (the zero vector stays zero).</summary>
    public Vector3d Normalized => Length is var n && n > 0 ? this * (1 / n) : this;

    /// <summary>Scales a vector.</summary>
    /// <param name="v">The vector.</param>
    /// <param name="s">The factor.</param>
    public static Vector3d operator *(Vector3d v, double s) => new(v.X * s, v.Y * s, v.Z * s);

    /// <summary>Adds two vectors.</summary>
    /// <param name="a">First vector.</param>
    /// <param name="b">Second vector.</param>
    public static Vector3d operator +(Vector3d a, Vector3d b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    /// <summary>Subtracts two vectors.</summary>
    /// <param name="a">First vector.</param>
    /// <param name="b">Second vector.</param>
    public static Vector3d operator -(Vector3d a, Vector3d b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
}
