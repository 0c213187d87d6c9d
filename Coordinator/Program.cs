// The coordinator host: cluster membership over gRPC (8080) and HTTP (8081), the ring, node health.
// `--migrate` applies the metadata migrations before serving; `--insecure` allows plaintext without authentication off loopback.
using PairDb.Coordinator.Hosting;
using PairDb.Hosting.Security;

WebApplication app;
try
{
    app = CoordinatorHost.Build(args);
}
catch (SecurityConfigurationException e)
{
    // Before logging exists: said on stderr, and the exit code tells supervisors not to expect a server.
    await Console.Error.WriteLineAsync("Coordinator refusing to start: " + e.Message);
    return 2;
}
try
{
    await CoordinatorHost.RunAsync(app, migrate: Array.IndexOf(args, CoordinatorHost.MigrateSwitch) >= 0);
}
catch (CoordinatorStartupException e)
{
    // No ring to serve (PostgreSQL unreachable and no snapshot): said plainly, and a supervisor restarts us later.
    await Console.Error.WriteLineAsync("Coordinator cannot start: " + e.Message);
    return 1;
}
return 0;
