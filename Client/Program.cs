// The `pairdb` command-line tool. Its commands arrive with the local-cluster issue.
Console.Error.WriteLine("usage: pairdb <command> (no client commands exist yet)");
return 2;
