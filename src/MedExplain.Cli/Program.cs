using System.Globalization;
using MedExplain.Cli;

// Numbers print the same everywhere: scripts parse them.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
return MedExplainCli.Run(args, Console.Out, Console.Error);
