using System.Globalization;
using System.Net;
using System.Text;

namespace MedExplain.Cli.Reports;

/// <summary>Small inline SVG charts for the reports: no scripts, no fonts to fetch, readable when printed.</summary>
internal static class SvgChart
{
    private const int Width = 460, Height = 240, Left = 56, Right = 150, Top = 12, Bottom = 36;
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    /// <summary>Lines with each series' points equally spaced from <paramref name="xLow"/> to <paramref name="xHigh"/>,
    /// with a legend on the right.</summary>
    public static string Lines(string xLabel, string yLabel, IReadOnlyList<(string Name, double[] Y)> series, string xLow = "0", string xHigh = "1")
    {
        ArgumentNullException.ThrowIfNull(series);
        (double low, double high) = Range(series.SelectMany(s => s.Y));
        var svg = Open(xLabel, yLabel, low, high, xLow, xHigh);
        for (int s = 0; s < series.Count; s++)
        {
            double[] y = series[s].Y;
            string points = string.Join(" ", y.Select((v, k) => $"{X(k / (double)Math.Max(1, y.Length - 1)):0.#},{Y(v, low, high):0.#}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{Palette[s % Palette.Length]}\" stroke-width=\"2\" points=\"{points}\"/>");
            Legend(svg, s, series[s].Name);
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>One column of dots per group (jittered sideways) with its mean as a bar: a distribution at a glance.</summary>
    public static string Strips(string yLabel, IReadOnlyList<(string Name, double[] Values)> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        (double low, double high) = Range(groups.SelectMany(g => g.Values));
        var svg = Open(string.Empty, yLabel, low, high, string.Empty, string.Empty);
        double slot = (Width - Left - Right) / (double)Math.Max(1, groups.Count);
        for (int g = 0; g < groups.Count; g++)
        {
            double centre = Left + (slot * (g + 0.5));
            string colour = Palette[g % Palette.Length];
            double[] values = groups[g].Values;
            for (int i = 0; i < values.Length; i++)
            {
                double jitter = ((i * 0.618034 % 1) - 0.5) * slot * 0.5; // spread evenly, the same on every run
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{centre + jitter:0.#}\" cy=\"{Y(values[i], low, high):0.#}\" r=\"3\" fill=\"{colour}\" fill-opacity=\"0.6\"/>");
            }

            if (values.Length > 0)
            {
                double mean = Y(values.Average(), low, high);
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{centre - (slot * 0.35):0.#}\" x2=\"{centre + (slot * 0.35):0.#}\" y1=\"{mean:0.#}\" y2=\"{mean:0.#}\" stroke=\"#000\" stroke-width=\"2\"/>");
            }

            Legend(svg, g, groups[g].Name);
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>Bars from zero with whiskers (a confidence interval) and a mark above each ("*" significant, "n/l" not
    /// learnable), on a fixed axis.</summary>
    public static string Bars(string yLabel, IReadOnlyList<(string Name, double Value, double Low, double High, string Mark, bool Muted)> bars, double low, double high)
    {
        ArgumentNullException.ThrowIfNull(bars);
        var svg = Open(string.Empty, yLabel, low, high, string.Empty, string.Empty);
        double slot = (Width - Left - Right) / (double)Math.Max(1, bars.Count);
        for (int b = 0; b < bars.Count; b++)
        {
            (string name, double value, double from, double to, string mark, bool muted) = bars[b];
            (from, to) = (Math.Clamp(from, low, high), Math.Clamp(to, low, high)); // a t-interval of a share can pass 0 or 1
            double centre = Left + (slot * (b + 0.5)), half = slot * 0.3;
            string colour = muted ? "#bbb" : Palette[b % Palette.Length];
            if (double.IsFinite(value))
            {
                double top = Y(Math.Max(value, low), low, high), bottom = Y(Math.Max(low, Math.Min(0, high)), low, high);
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{centre - half:0.#}\" y=\"{Math.Min(top, bottom):0.#}\" width=\"{2 * half:0.#}\" height=\"{Math.Abs(bottom - top):0.#}\" fill=\"{colour}\"/>");
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{centre:0.#}\" x2=\"{centre:0.#}\" y1=\"{Y(from, low, high):0.#}\" y2=\"{Y(to, low, high):0.#}\" stroke=\"#000\" stroke-width=\"1.5\"/>");
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{centre - (half / 2):0.#}\" x2=\"{centre + (half / 2):0.#}\" y1=\"{Y(from, low, high):0.#}\" y2=\"{Y(from, low, high):0.#}\" stroke=\"#000\"/><line x1=\"{centre - (half / 2):0.#}\" x2=\"{centre + (half / 2):0.#}\" y1=\"{Y(to, low, high):0.#}\" y2=\"{Y(to, low, high):0.#}\" stroke=\"#000\"/>");
            }

            double markY = double.IsFinite(to) ? Y(to, low, high) - 4 : Y(low, low, high) - 4;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{centre:0.#}\" y=\"{markY:0.#}\" text-anchor=\"middle\" font-weight=\"bold\">{E(mark)}</text>");
            Legend(svg, b, name, colour);
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>Points (x, y) with the least-squares line through them.</summary>
    public static string Scatter(string xLabel, string yLabel, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        (double yLow, double yHigh) = Range(y);
        (double xLow, double xHigh) = Range(x);
        var svg = Open(xLabel, yLabel, yLow, yHigh, xLow.ToString("G3", CultureInfo.InvariantCulture), xHigh.ToString("G3", CultureInfo.InvariantCulture));
        for (int i = 0; i < x.Count; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X((x[i] - xLow) / (xHigh - xLow)):0.#}\" cy=\"{Y(y[i], yLow, yHigh):0.#}\" r=\"3\" fill=\"{Palette[0]}\" fill-opacity=\"0.7\"/>");
        }

        double mx = x.Average(), my = y.Average(), sxx = x.Sum(v => (v - mx) * (v - mx));
        if (sxx > 0)
        {
            double slope = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum() / sxx;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(0):0.#}\" x2=\"{X(1):0.#}\" y1=\"{Y(Math.Clamp(my + (slope * (xLow - mx)), yLow, yHigh), yLow, yHigh):0.#}\" y2=\"{Y(Math.Clamp(my + (slope * (xHigh - mx)), yLow, yHigh), yLow, yHigh):0.#}\" stroke=\"{Palette[1]}\" stroke-width=\"1.5\"/>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static StringBuilder Open(string xLabel, string yLabel, double low, double high, string xLow, string xHigh)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#999\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{Top + 10}\" text-anchor=\"end\">{high:G3}</text><text x=\"{Left - 4}\" y=\"{Height - Bottom}\" text-anchor=\"end\">{low:G3}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height - Bottom + 14}\">{xLow}</text><text x=\"{Width - Right}\" y=\"{Height - Bottom + 14}\" text-anchor=\"end\">{xHigh}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 6}\" text-anchor=\"middle\">{E(xLabel)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(12,{(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{E(yLabel)}</text>");
        if (low < 0 && high > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(0, low, high):0.#}\" y2=\"{Y(0, low, high):0.#}\" stroke=\"#ccc\" stroke-dasharray=\"4 3\"/>");
        }

        return svg;
    }

    private static void Legend(StringBuilder svg, int index, string name, string? colour = null)
    {
        int y = Top + 8 + (index * 16);
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Width - Right + 8}\" y=\"{y - 8}\" width=\"10\" height=\"10\" fill=\"{colour ?? Palette[index % Palette.Length]}\"/><text x=\"{Width - Right + 22}\" y=\"{y + 1}\">{E(name)}</text>");
    }

    private static (double Low, double High) Range(IEnumerable<double> values)
    {
        double[] finite = [.. values.Where(double.IsFinite)];
        if (finite.Length == 0)
        {
            return (0, 1);
        }

        double low = finite.Min(), high = finite.Max();
        return high > low ? (low, high) : (low - 0.5, high + 0.5);
    }

    private static double X(double fraction) => Left + (fraction * (Width - Left - Right));

    private static double Y(double value, double low, double high) =>
        Top + ((Height - Top - Bottom) * (1 - ((double.IsFinite(value) ? value : low) - low) / (high - low)));

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
