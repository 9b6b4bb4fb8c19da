using System.Runtime.ExceptionServices;

namespace MedExplain.Imaging.IO;

/// <summary>Parallel.For over files that rethrows the first failure as it was thrown (bad input stays bad input, not an AggregateException).</summary>
internal static class ParallelWork
{
    public static void For(int count, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            Exception first = e.InnerExceptions.OfType<MedExplainInputException>().FirstOrDefault() ?? e.InnerExceptions[0];
            ExceptionDispatchInfo.Capture(first).Throw();
        }
    }
}
