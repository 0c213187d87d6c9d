// `./pairdb bench <suite>`: benchmarks that print figures. Suites arrive with their issues.
Console.Error.WriteLine("usage: pairdb bench engine [--keys N]");
return 2;
