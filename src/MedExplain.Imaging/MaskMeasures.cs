using System.Globalization;

namespace MedExplain.Imaging;

/// <summary>The texture of a region by its grey-level co-occurrence matrix (Haralick), averaged over directions.</summary>
/// <param name="Contrast">Σ P(a,b)(a−b)².</param>
/// <param name="Homogeneity">Σ P(a,b)/(1+(a−b)²).</param>
/// <param name="AngularSecondMoment">Σ P(a,b)² (ASM; uniformity).</param>
/// <param name="Correlation">Σ P(a,b)(a−μ)(b−μ)/σ² (1 where the region has one grey level).</param>
public sealed record GlcmFeatures(double Contrast, double Homogeneity, double AngularSecondMoment, double Correlation);

/// <summary>
/// Continuous measures of a region drawn by a mask, for regression concept vectors: its size in millimetres, intensity
/// inside it, shape, and texture. Measured in the scan's own voxels and spacing, on its first channel.
/// </summary>
public static class MaskMeasures
{
    /// <summary>The grey levels the intensities inside the mask are quantised to for the co-occurrence matrix.</summary>
    public const int DefaultGreyLevels = 32;

    /// <summary>Gets the names of the measures, as a manifest or a program asks for them.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["area", "volume", "mean-intensity", "std-intensity", "eccentricity", "elongation", "glcm-contrast", "glcm-homogeneity", "glcm-asm", "glcm-correlation"];

    /// <summary>Gets one line per measure saying what it is, for help and reports.</summary>
    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>
    {
        ["area"] = "the region's area in mm² (2D images)",
        ["volume"] = "the region's volume in mm³ (volumes)",
        ["mean-intensity"] = "the mean intensity inside the region",
        ["std-intensity"] = "the standard deviation of the intensity inside the region",
        ["eccentricity"] = "√(1 − λ₂/λ₁) of the region's second moments in mm (2D; 0 = a disc, near 1 = a line), as scikit-image",
        ["elongation"] = "√(λ₂/λ₁) of the region's second moments in mm (1 = round, toward 0 = elongated), as pyradiomics",
        ["glcm-contrast"] = "grey-level co-occurrence contrast inside the region (32 levels, neighbours at 1 voxel, all directions)",
        ["glcm-homogeneity"] = "grey-level co-occurrence homogeneity inside the region",
        ["glcm-asm"] = "grey-level co-occurrence angular second moment (uniformity) inside the region",
        ["glcm-correlation"] = "grey-level co-occurrence correlation inside the region",
    };

    /// <summary>Measures a region.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="scan">The scan.</param>
    /// <param name="mask">The region, on the scan's voxels (above zero = inside).</param>
    /// <exception cref="MedExplainParameterException">The measure is unknown or does not apply to the scan's dimension.</exception>
    /// <exception cref="MedExplainInputException">The mask is empty.</exception>
    public static double Compute(string name, MedicalImage scan, float[] mask)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(mask);
        if (!Names.Contains(name))
        {
            throw new MedExplainParameterException("measure", $"'{name}' is not a measure; the measures are {string.Join(", ", Names)}.");
        }

        if (mask.Length != scan.VoxelsPerChannel)
        {
            throw new ArgumentException($"The mask has {mask.Length} voxels; the scan has {scan.VoxelsPerChannel}.", nameof(mask));
        }

        int[] inside = [.. Enumerable.Range(0, mask.Length).Where(v => mask[v] > 0)];
        if (inside.Length == 0)
        {
            throw new MedExplainInputException(scan.Metadata.Source, $"has an empty mask: its '{name}' cannot be measured.");
        }

        double[] spacing = scan.Spacing;
        return name switch
        {
            "area" when scan.Is2D => inside.Length * spacing[0] * spacing[1],
            "volume" when !scan.Is2D => inside.Length * spacing[0] * spacing[1] * spacing[2],
            "area" or "volume" => throw new MedExplainParameterException("measure", $"'{name}' is for {(name == "area" ? "2D images" : "volumes")}; {Path.GetFileName(scan.Metadata.Source)} is {(scan.Is2D ? "2D: use area" : "a volume: use volume")}."),
            "mean-intensity" => inside.Average(v => (double)scan.Voxels[v]),
            "std-intensity" => StandardDeviation([.. inside.Select(v => (double)scan.Voxels[v])]),
            "eccentricity" when scan.Is2D => Eccentricity(Moments(scan, inside)),
            "eccentricity" => throw new MedExplainParameterException("measure", "'eccentricity' is for 2D images; use elongation for volumes."),
            "elongation" => Elongation(Moments(scan, inside)),
            _ => Texture(name, Glcm(scan.Voxels.AsSpan(0, scan.VoxelsPerChannel), scan.Dims, mask, DefaultGreyLevels)),
        };
    }

    /// <summary>The co-occurrence features of the voxels inside a mask: intensities quantised linearly between the
    /// region's minimum and maximum to <paramref name="levels"/> levels (rounded, so integer images of that many levels
    /// keep their values), pairs of neighbours at one voxel both inside the mask, counted both ways, in 4 directions in
    /// 2D and 13 in 3D; each direction's matrix normalised, the features averaged over directions.</summary>
    /// <param name="values">One channel's values, i fastest.</param>
    /// <param name="dims">Voxel counts along i, j, k.</param>
    /// <param name="mask">The region (above zero = inside).</param>
    /// <param name="levels">The grey levels.</param>
    public static GlcmFeatures Glcm(ReadOnlySpan<float> values, int[] dims, float[] mask, int levels)
    {
        ArgumentNullException.ThrowIfNull(dims);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 2);
        double low = double.MaxValue, high = double.MinValue;
        for (int v = 0; v < mask.Length; v++)
        {
            if (mask[v] > 0)
            {
                low = Math.Min(low, values[v]);
                high = Math.Max(high, values[v]);
            }
        }

        int[] grey = new int[mask.Length];
        for (int v = 0; v < mask.Length; v++)
        {
            grey[v] = mask[v] > 0 && high > low ? (int)Math.Round((values[v] - low) / (high - low) * (levels - 1)) : 0;
        }

        var sums = new double[4];
        int used = 0;
        foreach (int[] offset in Directions(dims[2] > 1))
        {
            var matrix = new double[levels, levels];
            double pairs = 0;
            for (int k = 0; k < dims[2]; k++)
            {
                for (int j = 0; j < dims[1]; j++)
                {
                    for (int i = 0; i < dims[0]; i++)
                    {
                        int i2 = i + offset[0], j2 = j + offset[1], k2 = k + offset[2];
                        if (i2 < 0 || j2 < 0 || i2 >= dims[0] || j2 >= dims[1] || k2 >= dims[2])
                        {
                            continue;
                        }

                        int a = i + (dims[0] * (j + (dims[1] * k))), b = i2 + (dims[0] * (j2 + (dims[1] * k2)));
                        if (mask[a] > 0 && mask[b] > 0)
                        {
                            matrix[grey[a], grey[b]]++;
                            matrix[grey[b], grey[a]]++;
                            pairs += 2;
                        }
                    }
                }
            }

            if (pairs == 0)
            {
                continue;
            }

            GlcmFeatures f = Features(matrix, pairs, levels);
            sums[0] += f.Contrast;
            sums[1] += f.Homogeneity;
            sums[2] += f.AngularSecondMoment;
            sums[3] += f.Correlation;
            used++;
        }

        return used == 0 ? new GlcmFeatures(0, 1, 1, 1) : new GlcmFeatures(sums[0] / used, sums[1] / used, sums[2] / used, sums[3] / used);
    }

    /// <summary>One direction of each pair of opposite neighbours: 4 in a plane, 13 in a volume (k ≥ 0 breaks the tie).</summary>
    private static IEnumerable<int[]> Directions(bool volume)
    {
        for (int k = 0; k <= (volume ? 1 : 0); k++)
        {
            for (int j = -1; j <= 1; j++)
            {
                for (int i = -1; i <= 1; i++)
                {
                    bool forward = k > 0 || j > 0 || (j == 0 && i > 0);
                    if (forward)
                    {
                        yield return [i, j, k];
                    }
                }
            }
        }
    }

    private static GlcmFeatures Features(double[,] counts, double pairs, int levels)
    {
        double contrast = 0, homogeneity = 0, asm = 0, mean = 0;
        for (int a = 0; a < levels; a++)
        {
            for (int b = 0; b < levels; b++)
            {
                double p = counts[a, b] / pairs;
                contrast += p * (a - b) * (a - b);
                homogeneity += p / (1 + ((a - b) * (a - b)));
                asm += p * p;
                mean += p * a;
            }
        }

        double variance = 0, covariance = 0;
        for (int a = 0; a < levels; a++)
        {
            for (int b = 0; b < levels; b++)
            {
                double p = counts[a, b] / pairs;
                variance += p * (a - mean) * (a - mean);
                covariance += p * (a - mean) * (b - mean);
            }
        }

        // The matrix is symmetric, so both marginals share a mean and variance; one grey level correlates perfectly.
        return new GlcmFeatures(contrast, homogeneity, asm, variance < 1e-15 ? 1 : covariance / variance);
    }

    private static double Texture(string name, GlcmFeatures f) => name switch
    {
        "glcm-contrast" => f.Contrast,
        "glcm-homogeneity" => f.Homogeneity,
        "glcm-asm" => f.AngularSecondMoment,
        _ => f.Correlation,
    };

    /// <summary>The eigenvalues of the covariance of the voxels' positions in millimetres, largest first.</summary>
    private static double[] Moments(MedicalImage scan, int[] inside)
    {
        int[] dims = scan.Dims;
        double[] spacing = scan.Spacing;
        var points = inside.Select(v => new[] { v % dims[0] * spacing[0], v / dims[0] % dims[1] * spacing[1], v / (dims[0] * dims[1]) * spacing[2] }).ToArray();
        int axes = scan.Is2D ? 2 : 3;
        var covariance = new double[axes, axes];
        double[] centre = [.. Enumerable.Range(0, axes).Select(a => points.Average(p => p[a]))];
        foreach (double[] p in points)
        {
            for (int a = 0; a < axes; a++)
            {
                for (int b = 0; b < axes; b++)
                {
                    covariance[a, b] += (p[a] - centre[a]) * (p[b] - centre[b]) / points.Length;
                }
            }
        }

        return SymmetricEigenvalues(covariance);
    }

    private static double Eccentricity(double[] eigenvalues) => eigenvalues[0] > 0 ? Math.Sqrt(Math.Max(0, 1 - (eigenvalues[1] / eigenvalues[0]))) : 0;

    private static double Elongation(double[] eigenvalues) => eigenvalues[0] > 0 ? Math.Sqrt(Math.Max(0, eigenvalues[1]) / eigenvalues[0]) : 1;

    /// <summary>Eigenvalues of a small symmetric matrix by Jacobi rotations, largest first.</summary>
    private static double[] SymmetricEigenvalues(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        for (int sweep = 0; sweep < 50; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    off += a[p, q] * a[p, q];
                }
            }

            if (off < 1e-30)
            {
                break;
            }

            for (int p = 0; p < n; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    if (Math.Abs(a[p, q]) < 1e-300)
                    {
                        continue;
                    }

                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1));
                    double c = 1 / Math.Sqrt((t * t) + 1), s = t * c;
                    for (int r = 0; r < n; r++)
                    {
                        double arp = a[r, p], arq = a[r, q];
                        a[r, p] = (c * arp) - (s * arq);
                        a[r, q] = (s * arp) + (c * arq);
                    }

                    for (int r = 0; r < n; r++)
                    {
                        double apr = a[p, r], aqr = a[q, r];
                        a[p, r] = (c * apr) - (s * aqr);
                        a[q, r] = (s * apr) + (c * aqr);
                    }
                }
            }
        }

        return [.. Enumerable.Range(0, n).Select(i => a[i, i]).OrderDescending()];
    }

    private static double StandardDeviation(double[] values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
    }

    /// <summary>A measure's value as reports print it.</summary>
    /// <param name="value">The value.</param>
    public static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
