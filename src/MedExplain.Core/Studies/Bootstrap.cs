namespace MedExplain.Studies;

/// <summary>A median with its bootstrap confidence interval.</summary>
/// <param name="Median">The sample's median.</param>
/// <param name="Low">The interval's lower end.</param>
/// <param name="High">Its upper end.</param>
public sealed record MedianInterval(double Median, double Low, double High);

/// <summary>Percentile bootstrap intervals, seeded so a study's analysis repeats exactly.</summary>
public static class Bootstrap
{
    /// <summary>The median and its percentile-bootstrap interval: the medians of <paramref name="resamples"/> samples
    /// drawn with replacement, cut at (1 − level) / 2 from each end.</summary>
    /// <param name="values">The ratings.</param>
    /// <param name="level">The confidence level, such as 0.95.</param>
    /// <param name="resamples">How many resamples.</param>
    /// <param name="seed">The seed of the draws.</param>
    /// <exception cref="MedExplainParameterException">No values, a level outside (0, 1), or fewer than 100 resamples.</exception>
    public static MedianInterval Median(IReadOnlyList<double> values, double level = 0.95, int resamples = 10_000, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0 || level is <= 0 or >= 1 || resamples < 100)
        {
            throw new MedExplainParameterException("values", $"need one or more values, a level between 0 and 1 and 100 or more resamples; got {values.Count}, {level} and {resamples}.");
        }

        var random = new Random(seed);
        var sample = new double[values.Count];
        var medians = new double[resamples];
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < sample.Length; i++)
            {
                sample[i] = values[random.Next(values.Count)];
            }

            medians[b] = SampleMedian(sample);
        }

        Array.Sort(medians);
        double tail = (1 - level) / 2;
        return new MedianInterval(SampleMedian(values), Quantile(medians, tail), Quantile(medians, 1 - tail));
    }

    /// <summary>The median of values (the mean of the middle two for an even count; 0 for none).</summary>
    /// <param name="values">The values.</param>
    public static double SampleMedian(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Count == 0 ? 0 : Quantile([.. values.Order()], 0.5);
    }

    /// <summary>The q-quantile of sorted values, interpolating linearly between ranks (numpy's default).</summary>
    private static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }
}
