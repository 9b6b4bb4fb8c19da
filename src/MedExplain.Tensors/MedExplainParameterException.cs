namespace MedExplain;

/// <summary>A parameter of a library call holds a value that cannot be used (an unknown method or composite, a
/// background that does not fit the inputs, …). It names the parameter as the library calls it ("method",
/// "background"); a command line shows its own spelling of it.</summary>
public sealed class MedExplainParameterException : MedExplainInputException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="parameter">The parameter's name, in the library's words.</param>
    /// <param name="problem">What is wrong, in one sentence.</param>
    public MedExplainParameterException(string parameter, string problem)
        : base(parameter, problem, null, isFile: false)
    {
        Parameter = parameter;
    }

    /// <summary>Gets the parameter's name.</summary>
    public string Parameter { get; }
}
