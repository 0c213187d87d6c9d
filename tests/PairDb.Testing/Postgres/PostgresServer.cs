using Npgsql;
using PairDb.Client.Tooling;
using Testcontainers.PostgreSql;

namespace PairDb.Testing;

/// <summary>
/// A PostgreSQL server for tests, from the first source that works:
/// <list type="number">
/// <item><c>PAIRDB_TEST_POSTGRES</c>, a connection string to an existing server;</item>
/// <item>Testcontainers, when a Docker engine answers;</item>
/// <item>a throwaway server started from the machine's binaries (<see cref="LocalPostgres"/>).</item>
/// </list>
/// Tests never use the server's own database: each test class takes a fresh one from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string ConnectionStringVariable = "PAIRDB_TEST_POSTGRES";
    private const string ContainerImage = "postgres:17-alpine";
    private static readonly TimeSpan DockerProbeTimeout = TimeSpan.FromSeconds(1);

    private readonly Func<ValueTask> _stop;

    private PostgresServer(string connectionString, string source, Func<ValueTask> stop)
    {
        ConnectionString = connectionString;
        Source = source;
        _stop = stop;
    }

    /// <summary>Superuser connection to the server's maintenance database.</summary>
    public string ConnectionString { get; }

    /// <summary>Where the server came from, for test logs.</summary>
    public string Source { get; }

    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var external = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresServer(external, ConnectionStringVariable, () => ValueTask.CompletedTask);
        }
        if (await DockerEngine.AnswersAsync(DockerProbeTimeout))
        {
            var container = new PostgreSqlBuilder(ContainerImage).Build();
            await container.StartAsync(cancellationToken);
            return new PostgresServer(container.GetConnectionString(), $"Testcontainers {ContainerImage}", container.DisposeAsync);
        }
        return await StartLocalAsync(cancellationToken);
    }

    /// <summary>Creates an empty database with a unique name; disposing the result drops it.</summary>
    public async Task<PostgresDatabase> CreateDatabaseAsync(string prefix = "pairdb_test", CancellationToken cancellationToken = default)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name };
        return new PostgresDatabase(name, builder.ConnectionString, ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _stop();
    }

    private static async Task<PostgresServer> StartLocalAsync(CancellationToken cancellationToken)
    {
        var directory = TestDirectory.Create("postgres");
        try
        {
            var server = await LocalPostgres.StartAsync(
                new LocalPostgresOptions { RootDirectory = directory.Path, Durable = false }, cancellationToken);
            return new PostgresServer(server.ConnectionString, $"local PostgreSQL in {directory.Path}", async () =>
            {
                await server.StopAsync();
                directory.Dispose();
            });
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }
}
