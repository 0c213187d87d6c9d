// The migrations runner: applies the metadata schema (storage_nodes, pending_changes, hints, api_keys) to the
// database named by `--connection "<connection string>"`, ConnectionStrings:Metadata (appsettings,
// environment ConnectionStrings__Metadata) or PAIRDB_POSTGRES, in that order. Idempotent.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Options;

var configuration = new ConfigurationBuilder()
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables()
    .AddCommandLine(args, new Dictionary<string, string> { ["--connection"] = "ConnectionStrings:" + MetadataOptions.ConnectionStringName })
    .Build();
var options = new MetadataOptions
{
    ConnectionString = configuration.GetConnectionString(MetadataOptions.ConnectionStringName)
        ?? Environment.GetEnvironmentVariable(MetadataOptions.EnvironmentVariable) ?? "",
};
var validation = new MetadataOptionsValidator().Validate(null, options);
if (validation.Failed)
{
    Console.Error.WriteLine($"pairdb-migrations: {validation.FailureMessage}");
    Console.Error.WriteLine("usage: PairDb.Migrations --connection \"Host=...;Database=pairdb;Username=...;Password=...\"");
    return 2;
}

using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
var logger = loggers.CreateLogger("PairDb.Migrations");
try
{
    var applied = await MetadataMigrator.ApplyAsync(options.ConnectionString, logger);
    Console.WriteLine($"pairdb-migrations: {applied.Count} migration(s) applied to {options.Redacted()}");
    return 0;
}
catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
{
    Console.Error.WriteLine($"pairdb-migrations: failed against {options.Redacted()}: {e.Message}");
    return 1;
}
