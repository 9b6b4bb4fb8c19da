using MedExplain.Imaging.Geometry;

namespace MedExplain.Imaging.Nifti;

/// <summary>The voxel-to-world matrices of a NIfTI header: qform (quaternion), sform (rows), and which one counts.</summary>
public static class NiftiAffine
{
    /// <summary>Gets the qform (method 2): rotation from the quaternion, voxel sizes, qfac reflection, offset.</summary>
    /// <param name="header">The header.</param>
    public static Affine Qform(NiftiHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        double b = header.Quatern[0], c = header.Quatern[1], d = header.Quatern[2];
        double squared = 1 - ((b * b) + (c * c) + (d * d));
        double a;
        if (squared < 0)
        {
            // Rounding pushed |(b, c, d)| past 1: a = 0 and renormalise, as nifti1_io does.
            double norm = Math.Sqrt((b * b) + (c * c) + (d * d));
            (a, b, c, d) = (0, b / norm, c / norm, d / norm);
        }
        else
        {
            a = Math.Sqrt(squared);
        }

        double qfac = header.PixDim[0] < 0 ? -1 : 1;
        double[] size = [header.PixDim[1], header.PixDim[2], header.PixDim[3] * qfac];
        double[,] r = Rotation(a, b, c, d);
        return new Affine(
        [
            r[0, 0] * size[0], r[0, 1] * size[1], r[0, 2] * size[2], header.QOffset[0],
            r[1, 0] * size[0], r[1, 1] * size[1], r[1, 2] * size[2], header.QOffset[1],
            r[2, 0] * size[0], r[2, 1] * size[1], r[2, 2] * size[2], header.QOffset[2],
            0, 0, 0, 1,
        ]);
    }

    /// <summary>Gets the sform (method 3): the three stored rows.</summary>
    /// <param name="header">The header.</param>
    public static Affine Sform(NiftiHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new Affine([.. header.SRows, 0, 0, 0, 1]);
    }

    /// <summary>Gets the affine MedExplain uses: the sform if its code is set, else the qform, else the voxel sizes alone.</summary>
    /// <remarks>The rule of nibabel, FSL, FSLeyes and SPM. ITK-based viewers may prefer the qform when the two differ.</remarks>
    /// <param name="header">The header.</param>
    /// <param name="warning">Set when the file has no orientation or when qform and sform disagree.</param>
    public static Affine Best(NiftiHeader header, out string? warning)
    {
        ArgumentNullException.ThrowIfNull(header);
        warning = null;
        Affine chosen;
        if (header.SformCode > 0)
        {
            chosen = Sform(header);
            if (header.QformCode > 0 && Qform(header).MaxDifference(chosen) > 1e-3)
            {
                warning = "qform and sform differ; using the sform (as nibabel, FSL and FSLeyes do; ITK-SNAP and 3D Slicer may show the qform).";
            }
        }
        else if (header.QformCode > 0)
        {
            chosen = Qform(header);
        }
        else
        {
            warning = "has no orientation (qform_code and sform_code are 0); using the voxel sizes with the origin at voxel 0.";
            chosen = Affine.Diagonal(Positive(header.PixDim[1]), Positive(header.PixDim[2]), Positive(header.PixDim[3]));
        }

        double unit = SpatialUnitToMillimetres(header.XyztUnits);
        return unit == 1 ? chosen : Affine.Diagonal(unit, unit, unit).Multiply(chosen);
    }

    /// <summary>Encodes an affine's rotation as a NIfTI quaternion.</summary>
    /// <param name="affine">The affine; its axes must be orthogonal.</param>
    /// <returns>(b, c, d) and qfac, or null when the axes are not orthogonal (a qform cannot hold shear).</returns>
    public static (double B, double C, double D, double Qfac)? Quaternion(Affine affine)
    {
        ArgumentNullException.ThrowIfNull(affine);
        Vector3d x = affine.Column(0).Normalized, y = affine.Column(1).Normalized, z = affine.Column(2).Normalized;
        if (Math.Abs(Vector3d.Dot(x, y)) > 1e-4 || Math.Abs(Vector3d.Dot(x, z)) > 1e-4 || Math.Abs(Vector3d.Dot(y, z)) > 1e-4)
        {
            return null;
        }

        double qfac = 1;
        if (Vector3d.Dot(x, Vector3d.Cross(y, z)) < 0)
        {
            z *= -1;
            qfac = -1;
        }

        double r11 = x.X, r21 = x.Y, r31 = x.Z, r12 = y.X, r22 = y.Y, r32 = y.Z, r13 = z.X, r23 = z.Y, r33 = z.Z;
        double a = r11 + r22 + r33 + 1, b, c, d;
        if (a > 0.5)
        {
            a = 0.5 * Math.Sqrt(a);
            (b, c, d) = (0.25 * (r32 - r23) / a, 0.25 * (r13 - r31) / a, 0.25 * (r21 - r12) / a);
        }
        else
        {
            double xd = 1 + r11 - (r22 + r33), yd = 1 + r22 - (r11 + r33), zd = 1 + r33 - (r11 + r22);
            if (xd > 1)
            {
                b = 0.5 * Math.Sqrt(xd);
                (c, d, a) = (0.25 * (r12 + r21) / b, 0.25 * (r13 + r31) / b, 0.25 * (r32 - r23) / b);
            }
            else if (yd > 1)
            {
                c = 0.5 * Math.Sqrt(yd);
                (b, d, a) = (0.25 * (r12 + r21) / c, 0.25 * (r23 + r32) / c, 0.25 * (r13 - r31) / c);
            }
            else
            {
                d = 0.5 * Math.Sqrt(zd);
                (b, c, a) = (0.25 * (r13 + r31) / d, 0.25 * (r23 + r32) / d, 0.25 * (r21 - r12) / d);
            }

            if (a < 0)
            {
                (b, c, d) = (-b, -c, -d);
            }
        }

        return (b, c, d, qfac);
    }

    /// <summary>Gets the factor from the header's spatial unit to millimetres (unknown counts as millimetres).</summary>
    /// <param name="xyztUnits">The units byte.</param>
    public static double SpatialUnitToMillimetres(int xyztUnits) => (xyztUnits & 0x07) switch
    {
        1 => 1000,
        3 => 0.001,
        _ => 1,
    };

    private static double Positive(double size) => size > 0 && double.IsFinite(size) ? size : 1;

    private static double[,] Rotation(double a, double b, double c, double d) => new[,]
    {
        { (a * a) + (b * b) - (c * c) - (d * d), 2 * ((b * c) - (a * d)), 2 * ((b * d) + (a * c)) },
        { 2 * ((b * c) + (a * d)), (a * a) + (c * c) - (b * b) - (d * d), 2 * ((c * d) - (a * b)) },
        { 2 * ((b * d) - (a * c)), 2 * ((c * d) + (a * b)), (a * a) + (d * d) - (c * c) - (b * b) },
    };
}
