using MedExplain.Cli;

return MedExplainCli.Run(args, Console.Out, Console.Error);
