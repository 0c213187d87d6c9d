// The `pairdb` command-line tool; `./pairdb` runs it. See Cli/CliApp.cs for the commands.
return await PairDb.Client.Cli.CliApp.RunAsync(args, Console.Out, Console.Error);
