using System.Text.RegularExpressions;

namespace MedExplain.Imaging.Npy;

/// <summary>The parsed NPY header dictionary: dtype descriptor, memory order and shape.</summary>
internal sealed partial record NpyHeader(string Descriptor, bool FortranOrder, int[] Shape)
{
    public bool BigEndian => Descriptor[0] == '>';

    public char Kind => Descriptor[1];

    public int ItemSize => Descriptor[2] - '0';

    public static NpyHeader Parse(string text, string source)
    {
        Match descr = DescrPattern().Match(text);
        Match order = OrderPattern().Match(text);
        Match shape = ShapePattern().Match(text);
        if (!descr.Success || !order.Success || !shape.Success)
        {
            throw new MedExplainInputException(source, $"has a malformed NPY header: {text.Trim()}");
        }

        string descriptor = descr.Groups[1].Value;
        if (!NpyDType.IsSupported(descriptor))
        {
            throw new MedExplainInputException(source, $"has dtype '{descriptor}'; supported are float16/32/64, signed and unsigned 8/16/32/64-bit integers and bool.");
        }

        int[] dims;
        try
        {
            dims = [.. shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse)];
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new MedExplainInputException(source, $"has an unreadable shape in its NPY header: ({shape.Groups[1].Value}).", e);
        }

        if (dims.FirstOrDefault(d => d < 0) is int negative and < 0)
        {
            throw new MedExplainInputException(source, $"has dimension {negative} in its NPY shape ({shape.Groups[1].Value}); dimensions are 0 or more.");
        }

        long count = 1;
        foreach (int dim in dims)
        {
            count = dim == 0 || count <= long.MaxValue / 16 / dim ? count * dim : throw new MedExplainInputException(source, $"has an NPY shape ({shape.Groups[1].Value}) whose size overflows.");
        }

        return new NpyHeader(descriptor, order.Groups[1].Value == "True", dims);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([<>|=][a-zA-Z]\d+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex OrderPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
