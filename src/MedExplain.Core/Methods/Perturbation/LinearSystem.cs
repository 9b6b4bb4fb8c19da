namespace MedExplain.Methods.Perturbation;

/// <summary>Small dense linear systems (the normal equations of KernelSHAP and LIME).</summary>
internal static class LinearSystem
{
    /// <summary>Gaussian elimination with partial pivoting and a tiny ridge, so unsampled features give 0, not NaN.</summary>
    public static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        double scale = Enumerable.Range(0, n).Select(i => Math.Abs(a[i, i])).DefaultIfEmpty(1).Max();
        for (int i = 0; i < n; i++)
        {
            a[i, i] += 1e-10 * Math.Max(scale, 1e-12);
        }

        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
            {
                pivot = Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]) ? r : pivot;
            }

            for (int c = 0; c < n; c++)
            {
                (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            }

            (b[col], b[pivot]) = (b[pivot], b[col]);
            for (int r = col + 1; r < n; r++)
            {
                double factor = a[r, col] / a[col, col];
                for (int c = col; c < n; c++)
                {
                    a[r, c] -= factor * a[col, c];
                }

                b[r] -= factor * b[col];
            }
        }

        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double sum = b[r];
            for (int c = r + 1; c < n; c++)
            {
                sum -= a[r, c] * x[c];
            }

            x[r] = sum / a[r, r];
        }

        return x;
    }
}
